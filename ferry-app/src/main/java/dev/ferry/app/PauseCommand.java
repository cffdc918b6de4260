package dev.ferry.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ferry pause}: asks the Ferry running the file to stop copying a backup, or one direction of it, until
 * {@code ferry resume}; its backlog waits on the source meanwhile (see {@link PauseControl}).
 */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Pauses a backup, or one direction of it, in the Ferry running the file (at its http.listen, with"
        + " its http.token): it reads nothing more from the source until resumed; its backlog waits there. Until"
        + " 'resume' or that Ferry's restart.")
final class PauseCommand implements Callable<Integer> {

    @Mixin
    PauseOptions options;

    @Override
    public Integer call() throws Exception {
        return options.send(PauseControl.PAUSE);
    }
}
