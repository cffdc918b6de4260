package dev.ferry.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ferry resume}: the Ferry running the file copies a paused backup, or direction, on from where it stopped. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resumes a paused backup, or one direction of it, in the Ferry running the file: it copies on from"
        + " its committed offsets, nothing lost or copied twice.")
final class ResumeCommand implements Callable<Integer> {

    @Mixin
    PauseOptions options;

    @Override
    public Integer call() throws Exception {
        return options.send(PauseControl.RESUME);
    }
}
