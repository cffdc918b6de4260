package dev.ferry.copy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.impl.consumer.PullAPIWrapper;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
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

    private final QueueCopier.LinkParts link;
    private final DefaultMQPushConsumerImpl consumer;
    private final String group;
    /** Made on first use: the consumer has no client instance before it starts. */
    private PullAPIWrapper pulls;
    /** The queues this class blocked, by topic: theirs to clear. */
    private final Map<String, Set<MessageQueue>> blockedHere = new ConcurrentHashMap<>();

    SourceRights(QueueCopier.LinkParts link, DefaultMQPushConsumerImpl consumer, String group) {
        this.link = link;
        this.consumer = consumer;
        this.group = group;
    }

    /** One pull per topic this process reads; blocks or clears the topic's queues by the answer. */
    void check() {
        Map<String, MessageQueue> onePerTopic = new HashMap<>();
        Map<String, Set<MessageQueue>> owned = new HashMap<>();
        for (Map.Entry<MessageQueue, ProcessQueue> entry
            : consumer.getRebalanceImpl().getProcessQueueTable().entrySet()) {
            MessageQueue queue = entry.getKey();
            if (entry.getValue().isDropped() || queue.getTopic().startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) {
                continue;
            }
            onePerTopic.putIfAbsent(queue.getTopic(), queue);
            owned.computeIfAbsent(queue.getTopic(), t -> ConcurrentHashMap.newKeySet()).add(queue);
        }
        onePerTopic.forEach((topic, queue) -> {
            String refusal = refusal(queue);
            if (refusal != null) {
                String why = "blocked: the source refuses Ferry's user: " + refusal;
                Set<MessageQueue> queues = owned.get(topic);
                blockedHere.put(topic, queues);
                if (queues.stream().anyMatch(q -> !why.equals(link.stats().blocked.put(q, why)))) {
                    LOG.error("{}: topic {}: {}; its queues wait on the source until the right is granted", link.name(),
                        topic, why);
                }
            } else {
                Set<MessageQueue> cleared = blockedHere.remove(topic);
                if (cleared != null) {
                    cleared.forEach(link.stats().blocked::remove);
                    LOG.info("{}: topic {}: the source lets Ferry's user read it again; copying goes on", link.name(),
                        topic);
                }
            }
        });
    }

    /** The broker's refusal of a read of {@code queue}, or null when it answers (or fails otherwise). */
    private String refusal(MessageQueue queue) {
        SubscriptionData subscription = consumer.getRebalanceImpl().getSubscriptionInner().get(queue.getTopic());
        if (subscription == null) {
            return null;
        }
        long offset = Math.max(0, consumer.getOffsetStore().readOffset(queue, ReadOffsetType.READ_FROM_MEMORY));
        try {
            if (pulls == null) {
                pulls = new PullAPIWrapper(consumer.getmQClientFactory(), group, false);
            }
            pulls.pullKernelImpl(queue, subscription.getSubString(), subscription.getExpressionType(),
                subscription.getSubVersion(), offset, 1, PullSysFlag.buildSysFlag(false, false, true, false), 0, 0,
                PULL_TIMEOUT_MILLIS, CommunicationMode.SYNC, null);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return SendFailure.isPermissionDenied(e) ? SendFailure.describe(e) : null;
        }
    }
}
