package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.broker.schedule.DelayOffsetSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.junit.jupiter.api.Test;

/**
 * A broker's delay offsets, as it encodes them, against its schedule queues' ends; each level's delay as the broker
 * reads it; two masters' figures together.
 */
class PendingDelaysTest {

    @Test
    void readsTheDelayOffsetsAsTheBrokerEncodesThem() throws Exception {
        DelayOffsetSerializeWrapper wrapper = new DelayOffsetSerializeWrapper();
        ConcurrentHashMap<Integer, Long> table = new ConcurrentHashMap<>(Map.of(1, 7L, 2, 0L, 18, 12_345_678_901L));
        wrapper.setOffsetTable(table);
        wrapper.setDataVersion(new DataVersion());

        assertThat(PendingDelays.deliveredPerLevel(wrapper.toJson(false))).isEqualTo(table);
        assertThat(PendingDelays.deliveredPerLevel(wrapper.toJson(true))).isEqualTo(table);
        assertThat(PendingDelays.deliveredPerLevel("{}")).isEmpty();
    }

    @Test
    void countsWhatLiesBetweenEachLevelsDeliveredOffsetAndItsQueuesEnd() {
        // Queue i holds level i + 1.
        Map<Integer, TopicOffset> queues = Map.of(
            0, offsets(0, 10),  // level 1: 7 delivered, 3 wait
            1, offsets(0, 4),   // level 2: none delivered yet (no entry), 4 wait
            2, offsets(20, 25), // level 3: older files deleted, delivered offset behind the queue's start: 5 wait
            3, offsets(0, 6));  // level 4: all delivered
        Map<Integer, Long> delivered = Map.of(1, 7L, 3, 2L, 4, 6L);

        assertThat(PendingDelays.waiting(delivered, queues)).isEqualTo(3 + 4 + 5);
        assertThat(PendingDelays.waiting(Map.of(1, 12L), Map.of(0, offsets(0, 10)))).as("never below zero").isZero();
    }

    @Test
    void theFirstWaitingOffsetOfALevelIsItsDeliveredOffsetOrTheQueuesStart() {
        assertThat(PendingDelays.firstWaiting(Map.of(1, 7L), 1, offsets(0, 10))).isEqualTo(7);
        assertThat(PendingDelays.firstWaiting(Map.of(), 2, offsets(0, 4))).as("none delivered yet").isZero();
        assertThat(PendingDelays.firstWaiting(Map.of(3, 2L), 3, offsets(20, 25))).as("older files deleted")
            .isEqualTo(20);
        assertThat(PendingDelays.firstWaiting(Map.of(4, 6L), 4, offsets(0, 6))).as("all delivered").isEqualTo(-1);
    }

    @Test
    void readsTheDelayOfEachLevelAsTheBrokerDoes() {
        Map<Integer, Long> defaults = PendingDelays.delayPerLevel(PendingDelays.DEFAULT_DELAY_LEVELS);
        assertThat(defaults).hasSize(18).containsEntry(1, 1_000L).containsEntry(3, 10_000L)
            .containsEntry(5, 60_000L).containsEntry(17, 3_600_000L).containsEntry(18, 7_200_000L);
        assertThat(PendingDelays.delayPerLevel(" 2s  90m 1d x5s 7")).as("a level it cannot read is left out")
            .containsOnly(Map.entry(1, 2_000L), Map.entry(2, 5_400_000L), Map.entry(3, 86_400_000L));
    }

    @Test
    void twoMastersWaitingAddUpAndTheEarlierDueTimeIsKept() {
        PendingMessages none = new PendingMessages(0, -1);
        PendingMessages a = new PendingMessages(3, 5_000);
        PendingMessages b = new PendingMessages(2, 4_000);

        assertThat(a.and(b)).isEqualTo(new PendingMessages(5, 4_000));
        assertThat(none.and(a)).isEqualTo(a);
        assertThat(a.and(new PendingMessages(1, -1)))
            .as("a master that cannot tell its due time: its message may be due first, so the first is not known")
            .isEqualTo(new PendingMessages(4, -1));
    }

    private static TopicOffset offsets(long min, long max) {
        TopicOffset offset = new TopicOffset();
        offset.setMinOffset(min);
        offset.setMaxOffset(max);
        return offset;
    }
}
