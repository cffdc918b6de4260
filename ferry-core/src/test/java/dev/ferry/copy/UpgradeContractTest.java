package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a Ferry of this version needs to be the same as in the Ferry it takes over from in an upgrade (README,
 * "Upgrading"): a new process joins the old one's consumer groups, subscribes as they do, reads the offset syncs and
 * checkpoints they wrote, and finds their copies on the target by their stamp. Each value below is written out as a
 * literal, as released Ferry versions write and read it: when one of these assertions fails, the change breaks a
 * rolling upgrade (the old and new processes would not share the queues, or the new one would not read what the old
 * one left). Changing a value here therefore needs a migration step in the README's "Upgrading" section (and, in
 * most cases, a version that reads both), never just a new literal. The encodings of offset syncs and checkpoints are
 * pinned alike, beside their code: {@code dev.ferry.offsets.OffsetsUpgradeContractTest}.
 */
class UpgradeContractTest {

    @Test
    void theLinksGroupSeatHeartbeatAndInternalTopicNamesAreTheOnesOlderFerrysUse() {
        // The link's progress: the committed offsets of this group on the source.
        assertThat(FerryNames.linkGroup("orders-dr", "shanghai")).isEqualTo("ferry-orders-dr-to-shanghai");
        // The seat: a successor on the same host with the same client ID gets the queue locks at once.
        assertThat(FerryNames.linkInstance("ferry-orders-dr-to-shanghai", 0))
            .isEqualTo("ferry-orders-dr-to-shanghai-seat-0");
        assertThat(FerryNames.heartbeatGroup("ferry-orders-dr-to-shanghai"))
            .isEqualTo("ferry-orders-dr-to-shanghai-heartbeat");
        assertThat(FerryNames.failbackBackup("orders-dr")).isEqualTo("orders-dr-failback");
        assertThat(FerryNames.deadLetterTopic("orders-dr")).isEqualTo("FERRY_DLQ_orders-dr");
        assertThat(List.of(FerryNames.HEARTBEAT_TOPIC, FerryNames.CHECKPOINTS_TOPIC, FerryNames.OFFSET_SYNCS_TOPIC))
            .containsExactly("FERRY_HEARTBEAT", "FERRY_CHECKPOINTS", "FERRY_OFFSET_SYNCS");
        assertThat(List.of(FerryNames.CHECKPOINTS_GROUP, FerryNames.OFFSET_SYNCS_GROUP, FerryNames.TAIL_READER_GROUP,
            FerryNames.WATERMARK_READER_GROUP)).containsExactly("FERRY_CHECKPOINTER", "FERRY_OFFSET_SYNCER",
            "FERRY_TAIL_READER", "FERRY_WATERMARK_READER");
        // The stamp on every copy: exactly-once finds what the previous owner of a queue stored by these.
        assertThat(FerryNames.STAMP).containsExactly("FERRY_ORIGIN", "FERRY_PATH", "FERRY_ORIGIN_TIME",
            "FERRY_SOURCE_TOPIC", "FERRY_SOURCE_BROKER", "FERRY_SOURCE_QUEUE", "FERRY_SOURCE_OFFSET", "FERRY_SIGNATURE");
        assertThat(List.of(FerryNames.SYNC_SOURCE, FerryNames.SYNC_TARGET))
            .containsExactly("FERRY_SYNC_SOURCE", "FERRY_SYNC_TARGET");
    }

    @Test
    void theLinksSubscriptionIsTheOneOlderFerrysSubscribeWith() {
        // The processes of one group must subscribe alike, or the broker keeps flipping the group's subscription.
        assertThat(LinkSubscription.choose(LinkSubscription.Sql92.FULL, false, false, null, "dr", "A", "B").selector()
            .getExpression()).isEqualTo("*");
        assertThat(LinkSubscription.choose(LinkSubscription.Sql92.FULL, true, false, "region = 'east'", "aa", "A", "B")
            .selector().getExpression()).isEqualTo("(region = 'east') AND (FERRY_PATH IS NULL OR NOT (FERRY_PATH = 'B'"
                + " OR FERRY_PATH STARTSWITH 'B,' OR FERRY_PATH ENDSWITH ',B' OR FERRY_PATH CONTAINS ',B,'))");
        assertThat(LinkSubscription.choose(LinkSubscription.Sql92.WITHOUT_STRING_OPERATORS, true, false, null, "aa",
            "A", "B").selector().getExpression()).isEqualTo("(FERRY_PATH IS NULL OR NOT (FERRY_PATH = 'B'))");
        // Heartbeats: the link subscribes to FERRY_HEARTBEAT with its group as the tag.
        assertThat(Heartbeats.tagOf("ferry-orders-dr-to-shanghai")).isEqualTo("ferry-orders-dr-to-shanghai");
    }
}
