package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry reload}: makes the Ferry that runs FILE re-read it, as SIGHUP does, and prints what changed.
 *
 * <p>The file is read here first, for its {@code http.listen} and {@code http.token}: a file that does not validate
 * is refused here already (exit 2, the line names the key), without asking the running Ferry, which goes on as
 * before. A change the running Ferry cannot apply without a restart is its answer, 409 (exit 1). A change of
 * {@code http.listen} itself cannot be sent this way (the command would ask the new address): send SIGHUP, or
 * restart Ferry.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = "Makes the running Ferry re-read its configuration file (as SIGHUP does): added backups start,"
        + " removed ones stop cleanly, changed ones restart, the others copy on untouched.")
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    ConfigFile config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        return RunningFerry.of(loaded).control("/reload", Map.of(), spec.commandLine().getOut(),
            spec.commandLine().getErr());
    }
}
