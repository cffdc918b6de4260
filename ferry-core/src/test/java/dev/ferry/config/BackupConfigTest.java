package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A backup checks itself when built, whoever builds it; the loader's messages come from here. */
class BackupConfigTest {

    @Test
    void aOneWayBackupCopiesInOneDirection() {
        assertThat(backup(Mode.ONE_WAY, "hangzhou", "shanghai").directions())
            .containsExactly(new Direction("hangzhou", "shanghai"));
    }

    @Test
    void aTwoWayBackupCopiesBothWaysSourceToTargetFirst() {
        List<Direction> directions = backup(Mode.TWO_WAY, "hangzhou", "shanghai").directions();

        assertThat(directions).containsExactly(new Direction("hangzhou", "shanghai"),
            new Direction("shanghai", "hangzhou"));
        assertThat(directions.get(1)).hasToString("shanghai -> hangzhou");
    }

    @Test
    void keepsNoListItWasGiven() {
        List<String> topics = new ArrayList<>(List.of("orders"));
        BackupConfig backup = new BackupConfig("orders-dr", Mode.ONE_WAY, "a", "b", topics, TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);

        topics.add("payments");

        assertThat(backup.topics()).containsExactly("orders");
        assertThatThrownBy(() -> backup.topics().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesAnInvalidName() {
        assertRefused(() -> new BackupConfig("orders.dr", Mode.ONE_WAY, "a", "b", List.of("orders"), TopicMapping.SAME,
                null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER),
            "name", "name: invalid backup name 'orders.dr' (only A-Z a-z 0-9 _ -)");
    }

    @Test
    void takesTheLongerNamesFerryDerivesFromTheFilesOwn() {
        String failbackOfALongName = "b".repeat(64) + "-failback";

        assertThat(new BackupConfig(failbackOfALongName, Mode.ONE_WAY, "away", "home", List.of("orders"),
            TopicMapping.SAME, null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER).name())
            .isEqualTo(failbackOfALongName);
    }

    @Test
    void refusesTheSameClusterAsSourceAndTarget() {
        assertRefused(() -> backup(Mode.ONE_WAY, "hangzhou", "hangzhou"),
            "target", "target: same cluster as source ('hangzhou')");
    }

    @Test
    void refusesAGroupNameRocketMqRefusesInEitherDirection() {
        assertRefused(() -> backup(Mode.TWO_WAY, "hz.main", "shanghai"), "name",
            "name: backup 'orders-dr' into cluster 'hz.main' would copy with the consumer group"
                + " 'ferry-orders-dr-to-hz.main' (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 120 characters);"
                + " shorten the backup or cluster name, or drop the characters RocketMQ refuses");
    }

    @Test
    void refusesNoTopicsAnInvalidOneAndOneTwice() {
        assertRefused(() -> withTopics(List.of()), "topics", "topics: no topics (at least one is required)");
        assertRefused(() -> withTopics(List.of("orders", "%DLQ%billing")), "topics[1]",
            "topics[1]: '%DLQ%billing' is a retry or dead-letter topic; those are never copied");
        assertRefused(() -> withTopics(List.of("orders", "payments", "orders")), "topics[2]",
            "topics[2]: duplicate topic 'orders' (also topics[0])");
    }

    @Test
    void refusesATopicMappingThatGivesANameRocketMqRefuses() {
        assertRefused(() -> new BackupConfig("orders-dr", Mode.ONE_WAY, "b.center", "a", List.of("orders"),
                new TopicMapping("${source}_${topic}"), null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER),
            "targetTopic", "targetTopic: maps 'orders' from 'b.center' to invalid topic name 'b.center_orders'"
                + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 127 characters)");
    }

    @Test
    void refusesAFilterThatDoesNotCompile() {
        assertRefused(() -> new BackupConfig("orders-dr", Mode.ONE_WAY, "a", "b", List.of("orders"),
                TopicMapping.SAME, "region = ", StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER),
            "filter", "filter: invalid SQL-92 filter: Encountered \"<EOF>\" at line 1, column 9.");
    }

    @Test
    void refusesAnInvalidOrRepeatedSyncGroup() {
        assertRefused(() -> withSyncGroups(List.of("billing", "audit team")), "syncGroups[1]",
            "syncGroups[1]: invalid consumer group name 'audit team'"
                + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most 120 characters)");
        assertRefused(() -> withSyncGroups(List.of("billing", "billing")), "syncGroups[1]",
            "syncGroups[1]: duplicate group 'billing' (also syncGroups[0])");
    }

    @Test
    void refusesWhatIsMissing() {
        assertThatThrownBy(() -> new BackupConfig("orders-dr", null, "a", "b", List.of("orders"), TopicMapping.SAME,
            null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER)).isInstanceOf(NullPointerException.class)
            .hasMessage("mode");
    }

    private static BackupConfig backup(Mode mode, String source, String target) {
        return new BackupConfig("orders-dr", mode, source, target, List.of("orders"), TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
    }

    private static BackupConfig withTopics(List<String> topics) {
        return new BackupConfig("orders-dr", Mode.ONE_WAY, "a", "b", topics, TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
    }

    private static BackupConfig withSyncGroups(List<String> groups) {
        return new BackupConfig("orders-dr", Mode.ONE_WAY, "a", "b", List.of("orders"), TopicMapping.SAME, null,
            StartFrom.EARLIEST, groups, OnError.DEAD_LETTER);
    }

    static void assertRefused(Runnable build, String key, String message) {
        assertThatThrownBy(build::run).isInstanceOfSatisfying(InvalidConfigException.class,
            refused -> assertThat(refused.key()).isEqualTo(key)).hasMessage(message);
    }
}
