package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a link's target answers, in all and per broker. With no traffic to send, a dead target would otherwise
 * show only when the next message arrives; so the link asks the target's NameServer and brokers every few seconds.
 * One log line when it goes, one when it is back.
 *
 * <p>A send the target acknowledged counts as an answer too: a probe begun before it cannot say the target is
 * down. On a busy machine the probe's call may time out while the broker takes copies.
 */
final class TargetProbe {

    private static final Logger LOG = LoggerFactory.getLogger(TargetProbe.class);

    private final ClusterAdmin targetAdmin;
    private final String linkName;
    /** Which of the target's brokers did not answer the last probe, while others did; null while all do. */
    private volatile String partlyDown;
    /** Why the target did not answer the last probe; null while it does. */
    private volatile String down;
    /** When the target last acknowledged a send (System.nanoTime), in all and per broker. */
    private volatile long lastAnswerNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private final Map<String, Long> lastAnswerByBroker = new ConcurrentHashMap<>();

    TargetProbe(ClusterAdmin targetAdmin, String linkName) {
        this.targetAdmin = targetAdmin;
        this.linkName = linkName;
    }

    /** Why the target does not answer; null while it does. */
    String down() {
        return down;
    }

    /** Which brokers of the target do not answer, while others do; null while all do. */
    String partlyDown() {
        return partlyDown;
    }

    /** A broker of the target acknowledged a send: it answers, whatever the last probe found. */
    void answered(String brokerName) {
        long now = System.nanoTime();
        lastAnswerNanos = now;
        lastAnswerByBroker.put(brokerName, now);
        if (down != null) {
            down = null;
            LOG.info("{}: target '{}' answers again (it took a batch)", linkName, cluster());
        }
    }

    /** Asks the target's NameServer and brokers whether they answer. */
    void probe() {
        long probeStarted = System.nanoTime();
        Instant asked = Instant.now();
        try {
            List<String> silent = new ArrayList<>(targetAdmin.brokers().ping());
            silent.removeIf(broker -> lastAnswerByBroker.getOrDefault(broker, probeStarted - 1) - probeStarted > 0);
            if (down != null) {
                LOG.info("{}: target '{}' answers again", linkName, cluster());
                down = null;
            }
            String partly = silent.isEmpty() ? null : "broker(s) " + String.join(", ", silent) + " of target '"
                + cluster() + "' do not answer: the queues mapped to them wait, the others copy";
            if (!Objects.equals(partly, partlyDown)) {
                if (partly != null) {
                    LOG.warn("{}: {}", linkName, partly);
                } else {
                    LOG.info("{}: every broker of target '{}' answers again", linkName, cluster());
                }
            }
            partlyDown = partly;
        } catch (Exception e) {
            if (lastAnswerNanos - probeStarted > 0) {
                return; // the target took a batch while this probe waited: it answers
            }
            partlyDown = null;
            String why = ClusterClients.tlsRefusal(targetAdmin.cluster(), asked, null)
                .orElseGet(() -> SendFailure.describe(e));
            if (down == null) {
                LOG.warn("{}: target '{}' does not answer ({}); copies wait on the source until it is back", linkName,
                    cluster(), why);
            }
            down = why;
        }
    }

    private String cluster() {
        return targetAdmin.cluster().name();
    }
}
