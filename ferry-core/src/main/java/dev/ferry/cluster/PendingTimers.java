package dev.ferry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;

/**
 * Timer messages (RocketMQ 5.x: {@code TIMER_DELIVER_MS}, {@code TIMER_DELAY_SEC}, {@code TIMER_DELAY_MS}) a cluster
 * holds for some topics and has not delivered yet. A broker keeps such a message in its timer wheel under a system
 * topic until it is due, and only then stores it in its topic, where Ferry (as any consumer) first sees it: until
 * then it exists in the source region alone. Each master counts, per topic, what entered its wheel and has not
 * left it (its timer metrics, which its slaves sync with {@code GET_TIMER_METRICS}); this reads a master's count for
 * some topics ({@link TimerWatch} asks every master, and also finds when the first is due):
 *
 * <pre>
 *   producer --TIMER_DELIVER_MS--&gt; rmq_sys_wheel_timer (counted here) --due--&gt; orders --&gt; Ferry --&gt; target
 * </pre>
 *
 * Delay-level messages (RocketMQ 4.x style, {@code DELAY}) wait in {@code SCHEDULE_TOPIC_XXXX}, which counts them per
 * level, not per topic: they are not counted here.
 */
final class PendingTimers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PendingTimers() {
    }

    /** The topics' counts in a broker's timer metrics: {@code {"timingCount": {"<topic>": {"count": n}}}}. */
    static long count(String timerMetrics, Collection<String> topics) throws Exception {
        JsonNode counts = JSON.readTree(timerMetrics).path("timingCount");
        long pending = 0;
        for (String topic : topics) {
            pending += Math.max(0, counts.path(topic).path("count").asLong(0));
        }
        return pending;
    }
}
