package dev.ferry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.protocol.RequestCode;

/**
 * Timer messages (RocketMQ 5.x: {@code TIMER_DELIVER_MS}, {@code TIMER_DELAY_SEC}, {@code TIMER_DELAY_MS}) a cluster
 * holds for some topics and has not delivered yet. A broker keeps such a message in its timer wheel under a system
 * topic until it is due, and only then stores it in its topic, where Ferry (as any consumer) first sees it: until
 * then it exists in the source region alone. Each master counts, per topic, what entered its wheel and has not
 * left it (its timer metrics, which its slaves sync with {@code GET_TIMER_METRICS}); this sums them:
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

    /** Not yet due on these masters for these topics; empty when a master does not say (no timer wheel, refused). */
    static OptionalLong count(RemotingClient client, List<String> masters, Collection<String> topics,
                              long timeoutMillis) throws InterruptedException {
        return MasterCounts.sum(masters, master -> {
            byte[] body = MasterCounts.ask(client, master, RequestCode.GET_TIMER_METRICS, timeoutMillis);
            if (body == null) {
                throw new IllegalStateException(master + " sent no timer metrics");
            }
            return count(new String(body, StandardCharsets.UTF_8), topics);
        });
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
