package dev.ferry.app;

import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;

/** Checks a cluster name given on the command line against the configuration. */
final class ClusterArgument {

    private ClusterArgument() {
    }

    /** The named cluster, reachable by address: not unknown, not an embedded one (which only `run` starts). */
    static ClusterConfig of(FerryConfig config, ConfigFile file, String option, String name) throws Failures.BadInput {
        ClusterConfig cluster = config.clusters().get(name);
        if (cluster == null) {
            throw new Failures.BadInput(file + ": " + option + " " + name + ": no such cluster (known: "
                + String.join(", ", config.clusters().keySet()) + ")");
        }
        if (cluster.namesrv() == null) {
            throw new Failures.BadInput(file + ": " + option + " " + name
                + ": an embedded cluster has no address outside the Ferry that runs it");
        }
        return cluster;
    }
}
