package dev.ferry.copy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the source still lets the link's user read each topic (ACL 2.0). RocketMQ's consumer only logs a pull
 * the broker refuses and tries again later: a right revoked on the source would leave the link catching up forever,
 * healthy by every other sign. So every few seconds one pull per topic is made here, of one message at the
 * group's offset in this process, taking nothing (no commit): refused, the topic's queues turn {@code blocked}
 * with the broker's answer; answered again, they are cleared and copying goes on by itself.
 */
final class SourceRights {

    private static final Logger LOG = LoggerFactory.getLogger(SourceRights.class);
    private static final long PULL_TIMEOUT_MILLIS = 3_000;

    private final String linkName;
    private final ProcessQueues queues;
    private final LinkStats stats;
    /** The queues this class blocked, by topic: theirs to clear. */
    private final Map<String, Set<MessageQueue>> blockedHere = new ConcurrentHashMap<>();

    SourceRights(String linkName, ProcessQueues queues, LinkStats stats) {
        this.linkName = linkName;
        this.queues = queues;
        this.stats = stats;
    }

    /** One pull per topic this process reads; blocks or clears the topic's queues by the answer. */
    void check() {
        Map<String, MessageQueue> onePerTopic = new HashMap<>();
        Map<String, Set<MessageQueue>> owned = new HashMap<>();
        queues.forEachHeld((queue, held) -> {
            onePerTopic.putIfAbsent(queue.getTopic(), queue);
            owned.computeIfAbsent(queue.getTopic(), t -> ConcurrentHashMap.newKeySet()).add(queue);
        });
        onePerTopic.forEach((topic, queue) -> {
            String refusal = refusal(queue);
            if (refusal != null) {
                String why = "blocked: the source refuses Ferry's user: " + refusal;
                Set<MessageQueue> topicQueues = owned.get(topic);
                blockedHere.put(topic, topicQueues);
                if (topicQueues.stream().anyMatch(q -> !why.equals(stats.block(q, why)))) {
                    LOG.error("{}: topic {}: {}; its queues wait on the source until the right is granted", linkName,
                        topic, why);
                }
            } else {
                Set<MessageQueue> cleared = blockedHere.remove(topic);
                if (cleared != null) {
                    cleared.forEach(stats::unblock);
                    LOG.info("{}: topic {}: the source lets Ferry's user read it again; copying goes on", linkName,
                        topic);
                }
            }
        });
    }

    /** The broker's refusal of a read of {@code queue}, or null when it answers (or fails otherwise). */
    private String refusal(MessageQueue queue) {
        if (!queues.subscribes(queue.getTopic())) {
            return null;
        }
        try {
            queues.pull(queue, Math.max(0, queues.nextOffset(queue)), 1, PULL_TIMEOUT_MILLIS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return SendFailure.isPermissionDenied(e) ? SendFailure.describe(e) : null;
        }
    }
}
