package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.broker.schedule.DelayOffsetSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.junit.jupiter.api.Test;

/** A broker's delay offsets, as it encodes them, against its schedule queues' ends. */
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

    private static TopicOffset offsets(long min, long max) {
        TopicOffset offset = new TopicOffset();
        offset.setMinOffset(min);
        offset.setMaxOffset(max);
        return offset;
    }
}
