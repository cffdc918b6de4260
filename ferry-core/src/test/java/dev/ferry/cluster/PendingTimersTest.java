package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.store.timer.TimerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker's timer metrics, as it encodes them for its slaves, read per topic. */
class PendingTimersTest {

    @TempDir
    Path dir;

    @Test
    void countsTheTopicsAskedForInABrokersTimerMetrics() throws Exception {
        TimerMetrics metrics = new TimerMetrics(dir.resolve("timermetrics").toString());
        enter(metrics, "orders", 3);
        enter(metrics, "payments", 2);
        enter(metrics, "other", 5);
        enter(metrics, "payments", -2); // delivered

        String encoded = metrics.encode();

        assertThat(PendingTimers.count(encoded, List.of("orders", "payments"))).isEqualTo(3);
        assertThat(PendingTimers.count(encoded, List.of("never-timed"))).isZero();
    }

    private static void enter(TimerMetrics metrics, String topic, int count) {
        MessageExt message = new MessageExt();
        MessageAccessor.putProperty(message, MessageConst.PROPERTY_REAL_TOPIC, topic);
        metrics.addAndGet(message, count);
    }
}
