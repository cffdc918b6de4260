package dev.ferry.config;

import dev.ferry.config.BackupConfig.Direction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole Ferry configuration, validated: each record checks itself when built, and this constructor checks
 * what involves several of them (every backup names known clusters, backup names are unique, no topic is copied
 * twice along one direction). Whoever builds one (the loader, the demo, the benchmark, a
 * test), code that holds one never re-checks it. Only what is about the file, such as a file without backups, is
 * the loader's alone.
 *
 * @param file     the file it was read from, for messages that name it
 * @param clusters every cluster by its name in the file, in file order
 * @param backups  the backups, in file order
 * @param http     where the status, metrics and dashboard server listens
 * @param signingKey the key stamps are signed with, shared by the deployment's Ferry processes; empty: stamps are
 *                 neither signed nor checked (see docs/security.md)
 * @param copy     how every link reads and writes
 * @param checkpointInterval how often consumer groups' progress is translated to the target: after a failover a
 *                 group re-reads at most about this much traffic; 100ms to 1h
 * @throws InvalidConfigException naming, as a path from the top of the file, the key that is wrong
 */
public record FerryConfig(Path file, Map<String, ClusterConfig> clusters, List<BackupConfig> backups, HttpConfig http,
                          Optional<SigningKey> signingKey, CopySettings copy, Duration checkpointInterval) {

    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    public FerryConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(copy, "copy");
        Limits.within("checkpointInterval", checkpointInterval, Duration.ofMillis(100), Duration.ofHours(1));
        clusters = Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        backups = List.copyOf(backups);
        clusters.forEach((name, cluster) -> {
            if (!name.equals(cluster.name())) {
                throw new InvalidConfigException("clusters." + name, "holds the cluster named "
                    + Node.quote(cluster.name()));
            }
        });
        checkBackups(clusters, backups);
    }

    /** A configuration without a signing key, with the default copy settings and checkpoint interval. */
    public FerryConfig(Path file, Map<String, ClusterConfig> clusters, List<BackupConfig> backups, HttpConfig http) {
        this(file, clusters, backups, http, Optional.empty(), CopySettings.DEFAULT, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** The same configuration with these clusters (an embedded cluster's address filled in, say). */
    public FerryConfig withClusters(Map<String, ClusterConfig> changed) {
        return new FerryConfig(file, changed, backups, http, signingKey, copy, checkpointInterval);
    }

    /** The same configuration, its stamps signed with {@code key}. */
    public FerryConfig withSigningKey(SigningKey key) {
        return new FerryConfig(file, clusters, backups, http, Optional.of(key), copy, checkpointInterval);
    }

    /** The same configuration, its links copying with {@code settings}. */
    public FerryConfig withCopy(CopySettings settings) {
        return new FerryConfig(file, clusters, backups, http, signingKey, settings, checkpointInterval);
    }

    /** The same configuration with only these backups (those of it that run, after a reload started not all). */
    public FerryConfig withBackups(List<BackupConfig> running) {
        return new FerryConfig(file, clusters, running, http, signingKey, copy, checkpointInterval);
    }

    /** The same configuration, checkpointing every {@code interval}. */
    public FerryConfig withCheckpointInterval(Duration interval) {
        return new FerryConfig(file, clusters, backups, http, signingKey, copy, interval);
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

    /** One topic copied from one cluster to another. */
    private record Copy(String topic, Direction direction) {
    }

    /**
     * Every backup between known clusters, under its own name, and no topic copied twice along the same direction:
     * two backups would each deliver every message, and the target would hold it twice.
     */
    private static void checkBackups(Map<String, ClusterConfig> clusters, List<BackupConfig> backups) {
        Map<String, Integer> names = new HashMap<>();
        Map<Copy, BackupConfig> copiers = new HashMap<>();
        for (int i = 0; i < backups.size(); i++) {
            BackupConfig backup = backups.get(i);
            String at = "backups[" + i + "]";
            knownCluster(clusters, at + ".source", backup.source());
            knownCluster(clusters, at + ".target", backup.target());
            Integer first = names.putIfAbsent(backup.name(), i);
            if (first != null) {
                throw new InvalidConfigException(at + ".name", "duplicate backup name " + Node.quote(backup.name()),
                    Optional.of("backups[" + first + "]"));
            }
            for (int t = 0; t < backup.topics().size(); t++) {
                String topic = backup.topics().get(t);
                for (Direction direction : backup.directions()) {
                    BackupConfig other = copiers.putIfAbsent(new Copy(topic, direction), backup);
                    if (other != null) {
                        throw new InvalidConfigException(at + ".topics[" + t + "]", "backups "
                            + Node.quote(other.name()) + " and " + Node.quote(backup.name()) + " both copy topic "
                            + Node.quote(topic) + " from " + direction.source() + " to " + direction.target()
                            + " (every message would arrive twice)");
                    }
                }
            }
        }
    }

    private static void knownCluster(Map<String, ClusterConfig> clusters, String key, String name) {
        if (!clusters.containsKey(name)) {
            throw new InvalidConfigException(key, "unknown cluster " + Node.quote(name)
                + " (known: " + String.join(", ", clusters.keySet()) + ")");
        }
    }
}
