package dev.ferry.testing;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.config.TopicMapping;
import dev.ferry.embedded.EmbeddedCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Configurations for tests, built directly (the loader has its own tests). */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static ClusterConfig cluster(String name, String namesrv) {
        return new ClusterConfig(name, namesrv, null, null, Map.of(), false);
    }

    public static ClusterConfig cluster(String name, String namesrv, Map<String, String> stamp) {
        return new ClusterConfig(name, namesrv, null, null, Map.copyOf(stamp), false);
    }

    public static BackupConfig oneWay(String name, String source, String target, List<String> topics) {
        return new BackupConfig(name, Mode.ONE_WAY, source, target, topics, TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(),
            OnError.DEAD_LETTER);
    }

    public static BackupConfig with(BackupConfig b, String filter, StartFrom startFrom, OnError onError) {
        return new BackupConfig(b.name(), b.mode(), b.source(), b.target(), b.topics(), b.targetTopic(), filter, startFrom,
            b.syncGroups(), onError);
    }

    public static BackupConfig twoWay(String name, String source, String target, List<String> topics) {
        return new BackupConfig(name, Mode.TWO_WAY, source, target, topics, TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
    }

    /** {@code b} with only {@code groups} following to the target (the file's {@code syncGroups}). */
    public static BackupConfig syncing(BackupConfig b, List<String> groups) {
        return new BackupConfig(b.name(), b.mode(), b.source(), b.target(), b.topics(), b.targetTopic(), b.filter(),
            b.startFrom(), groups, b.onError());
    }

    public static BackupConfig mapped(BackupConfig b, String targetTopic) {
        return new BackupConfig(b.name(), b.mode(), b.source(), b.target(), b.topics(), new TopicMapping(targetTopic),
            b.filter(), b.startFrom(), b.syncGroups(), b.onError());
    }

    /** Clusters A and B at the given NameServers, and one one-way backup {@code name} of {@code topics} A -> B. */
    public static FerryConfig oneWayAtoB(String name, String namesrvA, String namesrvB, List<String> topics) {
        return config(List.of(cluster("A", namesrvA), cluster("B", namesrvB)), List.of(oneWay(name, "A", "B", topics)));
    }

    /**
     * Two regions as users run them: creates {@code topic} with {@code queues} queues on every broker of clusters
     * {@code a} and {@code b}; returns a configuration with them as A and B and the one-way backup orders-dr A -> B.
     */
    public static FerryConfig oneWayAtoB(EmbeddedCluster a, EmbeddedCluster b, String topic, int queues) {
        a.createTopic(topic, queues);
        b.createTopic(topic, queues);
        return oneWayAtoB("orders-dr", a.namesrvAddr(), b.namesrvAddr(), List.of(topic));
    }

    public static FerryConfig config(List<ClusterConfig> clusters, List<BackupConfig> backups) {
        Map<String, ClusterConfig> byName = new LinkedHashMap<>();
        clusters.forEach(c -> byName.put(c.name(), c));
        return new FerryConfig(Path.of("test.yaml"), byName, backups, HttpConfig.DEFAULT);
    }
}
