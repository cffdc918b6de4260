package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import dev.ferry.offsets.Checkpoint;
import dev.ferry.offsets.Checkpoint.QueueCheckpoint;
import dev.ferry.offsets.CheckpointTopic;
import dev.ferry.offsets.OffsetSyncLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * What a Ferry of this version needs to be the same as in the Ferry it takes over from in an upgrade (README,
 * "Upgrading"): a new process joins the old one's consumer groups, subscribes as they do, reads the offset syncs and
 * checkpoints they wrote, and finds their copies on the target by their stamp. Each value below is written out as a
 * literal, as released Ferry versions write and read it: when one of these assertions fails, the change breaks a
 * rolling upgrade (the old and new processes would not share the queues, or the new one would not read what the old
 * one left). Changing a value here therefore needs a migration step in the README's "Upgrading" section (and, in
 * most cases, a version that reads both), never just a new literal.
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

    @Test
    void anOffsetSyncIsStoredAndReadBackAsOlderFerrysDo() {
        OffsetSyncLog.Sync sync = new OffsetSyncLog.Sync(new MessageQueue("orders", "broker-a", 3),
            new MessageQueue("orders", "broker-b", 1), 1234, 987);
        Message written = OffsetSyncLog.message("hangzhou", "shanghai", sync);
        assertThat(written.getTopic()).isEqualTo("FERRY_OFFSET_SYNCS");
        assertThat(written.getTags()).isEqualTo("hangzhou");
        assertThat(written.getUserProperty("FERRY_SYNC_SOURCE")).isEqualTo("hangzhou");
        assertThat(written.getUserProperty("FERRY_SYNC_TARGET")).isEqualTo("shanghai");
        assertThat(new String(written.getBody(), StandardCharsets.UTF_8))
            .isEqualTo("orders broker-a 3 1234 orders broker-b 1 987");

        // One an older Ferry wrote, read back by this one.
        Message old = new Message("FERRY_OFFSET_SYNCS", "hangzhou",
            "payments broker-b 0 55 hz_payments broker-a 2 40".getBytes(StandardCharsets.UTF_8));
        old.putUserProperty("FERRY_SYNC_SOURCE", "hangzhou");
        old.putUserProperty("FERRY_SYNC_TARGET", "shanghai");
        assertThat(OffsetSyncLog.read(old, "hangzhou", "shanghai")).contains(new OffsetSyncLog.Sync(
            new MessageQueue("payments", "broker-b", 0), new MessageQueue("hz_payments", "broker-a", 2), 55, 40));
        assertThat(OffsetSyncLog.read(old, "hangzhou", "beijing")).as("another direction's").isEmpty();
    }

    @Test
    void aCheckpointIsStoredAndReadBackAsOlderFerrysDo() throws Exception {
        Checkpoint checkpoint = new Checkpoint("orders-dr", "hangzhou", "shanghai", "billing", "orders", "orders",
            1_764_000_000_000L, List.of(new QueueCheckpoint("broker-a", 0, 100, "broker-a", 0, 90, 3)), true);
        String json = "{\"backup\":\"orders-dr\",\"source\":\"hangzhou\",\"target\":\"shanghai\",\"group\":\"billing\","
            + "\"sourceTopic\":\"orders\",\"targetTopic\":\"orders\",\"time\":1764000000000,\"queues\":[{\"sourceBroker\":"
            + "\"broker-a\",\"sourceQueue\":0,\"sourceOffset\":100,\"targetBroker\":\"broker-a\",\"targetQueue\":0,"
            + "\"targetOffset\":90,\"reReadAtMost\":3}],\"sharedTarget\":true}";
        Message written = CheckpointTopic.message(checkpoint);
        assertThat(written.getTopic()).isEqualTo("FERRY_CHECKPOINTS");
        assertThat(written.getTags()).isEqualTo("hangzhou");
        assertThat(written.getKeys()).isEqualTo("billing");
        assertThat(new String(written.getBody(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(CheckpointTopic.read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(checkpoint);

        // Written before sharedTarget existed: read as a target of this link's copies alone.
        String older = json.replace(",\"sharedTarget\":true", "");
        assertThat(CheckpointTopic.read(older.getBytes(StandardCharsets.UTF_8)))
            .isEqualTo(new Checkpoint("orders-dr", "hangzhou", "shanghai", "billing", "orders", "orders",
                1_764_000_000_000L, checkpoint.queues(), false));
    }
}
