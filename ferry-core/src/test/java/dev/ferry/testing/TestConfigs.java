package dev.ferry.testing;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.config.TopicMapping;
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

    public static BackupConfig mapped(BackupConfig b, String targetTopic) {
        return new BackupConfig(b.name(), b.mode(), b.source(), b.target(), b.topics(), new TopicMapping(targetTopic),
            b.filter(), b.startFrom(), b.syncGroups(), b.onError());
    }

    public static FerryConfig config(List<ClusterConfig> clusters, List<BackupConfig> backups) {
        Map<String, ClusterConfig> byName = new LinkedHashMap<>();
        clusters.forEach(c -> byName.put(c.name(), c));
        return new FerryConfig(Path.of("test.yaml"), byName, backups, HttpConfig.DEFAULT);
    }
}
