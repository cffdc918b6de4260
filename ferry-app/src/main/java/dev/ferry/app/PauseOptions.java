package dev.ferry.app;

import dev.ferry.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code pause} and {@code resume} share: the file, the backup, maybe one direction, and the request they send
 * to the Ferry running the file (see {@link RunningFerry#control}). Which backups and directions run is the running
 * Ferry's to say: it answers 400 naming those it has, and the command exits 2.
 */
final class PauseOptions {

    @Mixin
    ConfigFile config;

    @Option(names = "--backup", required = true, paramLabel = "B", description = "the backup, by its name in the file")
    String backup;

    @Option(names = "--direction", paramLabel = "'A->B'",
        description = "only this direction, source->target by cluster name, quoted for the shell (> redirects):"
            + " --direction 'hangzhou->shanghai' (default: every direction of the backup)")
    String direction;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** POSTs {@code path} ({@code /pause}, {@code /resume}) with the options; the exit code by the answer. */
    int send(String path) throws ConfigException {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("backup", backup);
        if (direction != null) {
            parameters.put("direction", direction);
        }
        return RunningFerry.of(config.load()).control(path, parameters, spec.commandLine().getOut(),
            spec.commandLine().getErr());
    }
}
