package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

class OffsetSyncStoreTest {

    private static final MessageQueue SOURCE = new MessageQueue("orders", "broker-a", 0);
    private static final MessageQueue TARGET = new MessageQueue("orders", "broker-a", 0);

    /**
     * The target topic was deleted and created again while Ferry copied: its offsets start from 0. The old syncs
     * (source 0..999 at target 5,000..5,999) must go, or a group at source offset 500 would resume at 5,500 of a
     * queue that now holds a handful of copies: past all of them.
     */
    @Test
    void aTargetQueueCreatedAgainStartsItsSyncsAnew() {
        OffsetSyncStore store = new OffsetSyncStore();
        for (long offset = 0; offset < 1_000; offset++) {
            store.record(SOURCE, TARGET, offset, 5_000 + offset);
        }
        assertThat(store.translate(SOURCE, 500)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isEqualTo(5_500));

        store.record(SOURCE, TARGET, 1_000, 0); // the first copy into the new topic
        store.record(SOURCE, TARGET, 1_001, 1);

        assertThat(store.translate(SOURCE, 500)).as("behind every sync of the new topic").isEmpty();
        assertThat(store.fromTargetStart(SOURCE, 0)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isZero());
        assertThat(store.translate(SOURCE, 1_002)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isEqualTo(2));
    }

    /** A log read back queue by queue hands an older sync after newer ones: ignored, never a reset. */
    @Test
    void anOlderSyncArrivingLateChangesNothing() {
        OffsetSyncStore store = new OffsetSyncStore();
        store.record(SOURCE, TARGET, 824, 1_648);
        store.record(SOURCE, TARGET, 531, 1_062);
        assertThat(store.newestSource(SOURCE)).hasValue(824);
        assertThat(store.translate(SOURCE, 825)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isEqualTo(1_649));
    }

    @Test
    void aReCopyAfterARestartDoesNotResetAnything() {
        OffsetSyncStore store = new OffsetSyncStore();
        store.record(SOURCE, TARGET, 100, 200);
        store.record(SOURCE, TARGET, 90, 201); // re-copied from an older commit: ignored, target grew
        store.record(SOURCE, TARGET, 101, 202);
        assertThat(store.translate(SOURCE, 101)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isEqualTo(201));
        assertThat(store.translate(SOURCE, 102)).hasValueSatisfying(t -> assertThat(t.targetOffset()).isEqualTo(203));
    }
}
