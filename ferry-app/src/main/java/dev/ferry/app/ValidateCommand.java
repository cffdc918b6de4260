package dev.ferry.app;

import dev.ferry.check.ClusterCheck;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry validate}: checks the file and reaches every cluster in it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Checks the configuration file and reaches every cluster in it; exit 0, or 2 with what is wrong.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigFile config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        boolean allReached = true;
        for (ClusterCheck.Result result : ClusterCheck.check(loaded)) {
            if (result.failed()) {
                allReached = false;
                spec.commandLine().getErr().println(config + ": " + result.line());
            } else {
                spec.commandLine().getOut().println(result.line());
            }
        }
        loaded.clusters().values().stream().filter(ClusterConfig::plaintextBeyondLoopback).forEach(cluster ->
            spec.commandLine().getOut().println(config + ": warning: cluster '" + cluster.name() + "' ("
                + cluster.namesrv() + "): credentials, and every message, cross the network without TLS; set tls: true"));
        if (!allReached) {
            return ExitCodes.BAD_INPUT;
        }
        spec.commandLine().getOut().println(config + ": valid: " + loaded.clusters().size() + " cluster(s), "
            + loaded.backups().size() + " backup(s)");
        return ExitCodes.OK;
    }
}
