package dev.ferry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A whole Ferry configuration file, validated: every backup names known clusters, every value parsed.
 * Built only by {@link ConfigLoader}, so code that holds one never re-checks it.
 *
 * @param file     the file it was read from, for messages that name it
 * @param clusters every cluster by its name in the file, in file order
 * @param backups  the backups, in file order
 * @param http     where the status, metrics and dashboard server listens
 */
public record FerryConfig(Path file, Map<String, ClusterConfig> clusters, List<BackupConfig> backups, HttpConfig http) {

    public ClusterConfig cluster(String name) {
        ClusterConfig cluster = clusters.get(name);
        if (cluster == null) {
            throw new IllegalArgumentException("no cluster named '" + name + "'");
        }
        return cluster;
    }

    public BackupConfig backup(String name) {
        return backups.stream().filter(b -> b.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no backup named '" + name + "'"));
    }
}
