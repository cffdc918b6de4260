package dev.ferry.app;

import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** The local clusters Ferry starts for {@code embedded: true} entries, for trying Ferry out. */
final class EmbeddedClusters implements AutoCloseable {

    private final Map<String, EmbeddedCluster> started = new LinkedHashMap<>();

    static EmbeddedClusters start(FerryConfig config) throws Exception {
        EmbeddedClusters clusters = new EmbeddedClusters();
        try {
            for (ClusterConfig cluster : config.clusters().values()) {
                if (cluster.embedded()) {
                    clusters.started.put(cluster.name(), EmbeddedCluster.builder(cluster.name()).start());
                }
            }
            return clusters;
        } catch (Exception e) {
            clusters.close();
            throw e;
        }
    }

    /** The configuration with every embedded cluster's NameServer address filled in. */
    FerryConfig resolve(FerryConfig config) {
        Map<String, ClusterConfig> resolved = new LinkedHashMap<>();
        config.clusters().forEach((name, cluster) -> {
            EmbeddedCluster local = started.get(name);
            resolved.put(name, local == null ? cluster : cluster.withNamesrv(local.namesrvAddr()));
        });
        return config.withClusters(resolved);
    }

    @Override
    public void close() {
        EmbeddedCluster.closeAll(started.values().toArray(EmbeddedCluster[]::new));
        started.clear();
    }
}
