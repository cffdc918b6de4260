package dev.ferry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole Ferry configuration file, validated: every backup names known clusters, every value parsed.
 * Built only by {@link ConfigLoader}, so code that holds one never re-checks it.
 *
 * @param file     the file it was read from, for messages that name it
 * @param clusters every cluster by its name in the file, in file order
 * @param backups  the backups, in file order
 * @param http     where the status, metrics and dashboard server listens
 * @param signingKey the key stamps are signed with, shared by the deployment's Ferry processes; empty: stamps are
 *                 neither signed nor checked (see docs/security.md)
 */
public record FerryConfig(Path file, Map<String, ClusterConfig> clusters, List<BackupConfig> backups, HttpConfig http,
                          Optional<SigningKey> signingKey) {

    /** A configuration without a signing key. */
    public FerryConfig(Path file, Map<String, ClusterConfig> clusters, List<BackupConfig> backups, HttpConfig http) {
        this(file, clusters, backups, http, Optional.empty());
    }

    /** The same configuration with these clusters (an embedded cluster's address filled in, say). */
    public FerryConfig withClusters(Map<String, ClusterConfig> changed) {
        return new FerryConfig(file, changed, backups, http, signingKey);
    }

    /** The same configuration, its stamps signed with {@code key}. */
    public FerryConfig withSigningKey(SigningKey key) {
        return new FerryConfig(file, clusters, backups, http, Optional.of(key));
    }

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
