package dev.ferry.names;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The names are a contract with running clusters and operators' grants: spelled out here, letter by letter. */
class FerryNamesTest {

    @Test
    void namesWhatABackupOwns() {
        assertThat(FerryNames.linkGroup("orders", "shanghai")).isEqualTo("ferry-orders-to-shanghai");
        assertThat(FerryNames.heartbeatGroup(FerryNames.linkGroup("orders", "shanghai")))
            .isEqualTo("ferry-orders-to-shanghai-heartbeat");
        assertThat(FerryNames.deadLetterTopic("orders")).isEqualTo("FERRY_DLQ_orders");
        assertThat(FerryNames.clientInstance("hangzhou", "copy", 4242, 3)).isEqualTo("ferry-hangzhou-copy-4242-3");
        // docs/failover.md tells operators the copy back's group by this name
        assertThat(FerryNames.linkGroup(FerryNames.failbackBackup("orders"), "hangzhou"))
            .isEqualTo("ferry-orders-failback-to-hangzhou");
    }

    @Test
    void namesFerrysOwnTopicsGroupsAndProperties() {
        assertThat(List.of(FerryNames.HEARTBEAT_TOPIC, FerryNames.CHECKPOINTS_TOPIC, FerryNames.OFFSET_SYNCS_TOPIC))
            .containsExactly("FERRY_HEARTBEAT", "FERRY_CHECKPOINTS", "FERRY_OFFSET_SYNCS");
        assertThat(List.of(FerryNames.CHECKPOINTS_GROUP, FerryNames.OFFSET_SYNCS_GROUP, FerryNames.OFFSET_RESET_GROUP,
            FerryNames.TAIL_READER_GROUP, FerryNames.adminGroup(7)))
            .containsExactly("FERRY_CHECKPOINTER", "FERRY_OFFSET_SYNCER", "FERRY_OFFSET_RESET", "FERRY_TAIL_READER",
                "FERRY_ADMIN_7");
        assertThat(FerryNames.STAMP).containsExactly("FERRY_ORIGIN", "FERRY_PATH", "FERRY_ORIGIN_TIME",
            "FERRY_SOURCE_TOPIC", "FERRY_SOURCE_BROKER", "FERRY_SOURCE_QUEUE", "FERRY_SOURCE_OFFSET", "FERRY_SIGNATURE");
        assertThat(List.of(FerryNames.DEAD_LETTER_REASON, FerryNames.DEAD_LETTER_TARGET, FerryNames.SYNC_SOURCE,
            FerryNames.SYNC_TARGET))
            .containsExactly("FERRY_DLQ_REASON", "FERRY_DLQ_TARGET", "FERRY_SYNC_SOURCE", "FERRY_SYNC_TARGET");
    }

    @Test
    void everyGroupFerryNamesIsFerrysAndLegalInRocketMq() {
        String link = FerryNames.linkGroup("orders-eu_1", "shang.hai");
        List<String> groups = List.of(link, FerryNames.heartbeatGroup(link),
            FerryNames.linkGroup(FerryNames.failbackBackup("orders"), "hangzhou"), FerryNames.deadLetterTopic("orders"),
            FerryNames.CHECKPOINTS_GROUP, FerryNames.OFFSET_SYNCS_GROUP, FerryNames.OFFSET_RESET_GROUP,
            FerryNames.TAIL_READER_GROUP, FerryNames.adminGroup(1));

        assertThat(groups).allSatisfy(group -> assertThat(FerryNames.isFerryGroup(group)).as(group).isTrue());
        // (a cluster name may hold a dot, which RocketMQ refuses in a group: the config checks the group it makes)
        assertThat(groups).filteredOn(group -> !group.contains("."))
            .allSatisfy(group -> assertThat(TopicValidator.isTopicOrGroupIllegal(group)).as(group).isFalse());
    }

    @Test
    void everyTopicAndPropertyFerryNamesIsFerrys() {
        assertThat(List.of(FerryNames.HEARTBEAT_TOPIC, FerryNames.CHECKPOINTS_TOPIC, FerryNames.OFFSET_SYNCS_TOPIC,
            FerryNames.deadLetterTopic("orders")))
            .allSatisfy(topic -> {
                assertThat(FerryNames.isFerryTopic(topic)).as(topic).isTrue();
                assertThat(TopicValidator.isTopicOrGroupIllegal(topic)).as(topic).isFalse();
            });
        assertThat(FerryNames.STAMP).allSatisfy(name -> assertThat(FerryNames.isFerryProperty(name)).isTrue());
        assertThat(List.of(FerryNames.DEAD_LETTER_REASON, FerryNames.DEAD_LETTER_TARGET, FerryNames.SYNC_SOURCE,
            FerryNames.SYNC_TARGET)).allSatisfy(name -> assertThat(FerryNames.isFerryProperty(name)).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders-app", "ferryman", "Ferry-orders-to-b", "ferry_orders", "CID_orders", "FERRY",
        "app-ferry-orders-to-b"})
    void applicationNamesAreNotFerrys(String name) {
        assertThat(FerryNames.isFerryGroup(name)).isFalse();
        assertThat(FerryNames.isFerryTopic(name)).isFalse();
        assertThat(FerryNames.isFerryProperty(name)).isFalse();
    }
}
