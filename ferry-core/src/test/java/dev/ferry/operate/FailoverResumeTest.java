package dev.ferry.operate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.offsets.Checkpoint;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** Where a group resumes on a target queue at failover, from its checkpoint: never past what it did not consume. */
class FailoverResumeTest {

    @Test
    void aQueueOfOnlyCopiesTakesTheCheckpointEitherWay() {
        assertThat(Failover.resume(-1, 500, false, 0, "B")).isEqualTo(new Failover.Resume(500, 0, null));
        assertThat(Failover.resume(200, 500, false, 0, "B")).isEqualTo(new Failover.Resume(500, 0, null));
        assertThat(Failover.resume(900, 500, false, 0, "B")).isEqualTo(new Failover.Resume(500, 0, null));
    }

    @Test
    void onASharedQueueAGroupMovesBackButNeverForward() {
        // active-active: it read B's own messages past the checkpoint, with a filter that passed over the copies
        assertThat(Failover.resume(900, 500, true, 0, "B")).isEqualTo(new Failover.Resume(500, 0, null));
        // behind the checkpoint on B: forward would skip B's own messages between 200 and 500
        Failover.Resume kept = Failover.resume(200, 500, true, 0, "B");
        assertThat(kept.at()).isEqualTo(200);
        assertThat(kept.moreReRead()).isEqualTo(300);
        assertThat(kept.why()).contains("kept at its own progress on B").contains("B's own messages");
    }

    @Test
    void aGroupWithNoProgressOnASharedQueueStartsAtTheQueuesStart() {
        Failover.Resume fromStart = Failover.resume(-1, 500, true, 120, "B");
        assertThat(fromStart.at()).isEqualTo(120);
        assertThat(fromStart.moreReRead()).isEqualTo(380);
        assertThat(fromStart.why()).contains("no progress of its own on B").contains("from the start of the queue");
    }

    /** Two source queues share each target queue: resuming at the lower translation may re-read up to the higher. */
    @Test
    void sourceQueuesSharingATargetQueueMayReReadUpToTheHighestTranslation() {
        Checkpoint checkpoint = new Checkpoint("dr", "A", "B", "billing", "orders", "orders", 0, List.of(
            new Checkpoint.QueueCheckpoint("broker-a", 0, 400, "broker-a", 0, 700, 3),
            new Checkpoint.QueueCheckpoint("broker-a", 2, 500, "broker-a", 0, 950, 5),
            new Checkpoint.QueueCheckpoint("broker-a", 1, 300, "broker-b", 0, 600, 2)), false);
        assertThat(Failover.spread(checkpoint)).containsExactlyInAnyOrderEntriesOf(Map.of(
            new MessageQueue("orders", "broker-a", 0), 250L,
            new MessageQueue("orders", "broker-b", 0), 0L));
        assertThat(checkpoint.resumeOffsets()).containsEntry(new MessageQueue("orders", "broker-a", 0), 700L);
    }
}
