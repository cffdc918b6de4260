package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Fewer target queues than source queues: two source queues copied into one target queue, interleaved. A group's
 * progress on that target queue is the smallest of its source queues' translations, so it never skips a copy it
 * did not consume, even when one source queue cannot be translated (the group is behind its every sync).
 *
 * <pre>
 *   target q0:  a0 b0 a1 b1 a2 b2 ...      a = source queue 0, b = source queue 1
 * </pre>
 */
class SharedTargetQueueTest {

    private static final MessageQueue A = new MessageQueue("orders", "broker-a", 0);
    private static final MessageQueue B = new MessageQueue("orders", "broker-a", 1);
    private static final MessageQueue TARGET = new MessageQueue("orders", "broker-a", 0);

    @Test
    void aGroupNeverSkipsACopyOfTheSourceQueueItIsFurthestBehindOn() {
        OffsetSyncStore store = new OffsetSyncStore();
        // b's first 100 messages were copied before this process knew of it: its syncs start at b100
        for (long i = 0; i < 1_000; i++) {
            store.record(A, TARGET, i, 2 * i);
            if (i >= 100) {
                store.record(B, TARGET, i, 2 * i + 1);
            }
        }
        // the group consumed a0..a899 and b0..b49: b is behind every sync of b
        OffsetSyncStore.Translation onA = store.translate(A, 900).orElseThrow();
        assertThat(store.translate(B, 50)).isEmpty();
        OffsetSyncStore.Translation onB = store.fromTargetStart(B, 0).orElseThrow();

        List<Checkpoint.QueueCheckpoint> queues = new ArrayList<>();
        for (var entry : Map.of(A, onA, B, onB).entrySet()) {
            queues.add(new Checkpoint.QueueCheckpoint(entry.getKey().getBrokerName(), entry.getKey().getQueueId(),
                entry.getKey() == A ? 900 : 50, TARGET.getBrokerName(), TARGET.getQueueId(),
                entry.getValue().targetOffset(), entry.getValue().reReadAtMost()));
        }
        Checkpoint checkpoint = new Checkpoint("dr", "A", "B", "billing", "orders", "orders", 0, queues, false);

        long resume = checkpoint.resumeOffsets().get(TARGET);
        // b50 was copied at some target offset no later than b100's (201): resuming at 0 skips nothing of b
        assertThat(resume).isZero();
        assertThat(onA.targetOffset()).as("a alone would resume at 1,799").isEqualTo(1_799);
        assertThat(onB.reReadAtMost()).as("re-reads everything up to b100's copy, at most").isEqualTo(202);
    }
}
