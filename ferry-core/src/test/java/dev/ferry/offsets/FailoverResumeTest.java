package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

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
}
