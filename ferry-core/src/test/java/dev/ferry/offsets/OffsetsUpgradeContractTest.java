package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.offsets.Checkpoint.QueueCheckpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The offset syncs and checkpoints a Ferry of this version writes and reads, as literals: the same as the Ferry it
 * takes over from in an upgrade writes and reads (README, "Upgrading"; the names are pinned in
 * {@code dev.ferry.copy.UpgradeContractTest}). When one of these assertions fails, the change breaks a rolling
 * upgrade: changing a value here needs a migration step in the README, never just a new literal.
 */
class OffsetsUpgradeContractTest {

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
