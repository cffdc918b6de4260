package dev.ferry.copy;

import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches to chosen queues of the target cluster, one attempt per call.
 *
 * <p>A send that fails for a reason of the target's state (down, busy, throttling, a broker of several gone) is
 * thrown as {@link Unsent} with how long to wait before the next attempt (capped backoff per source queue). The
 * caller gives its thread back meanwhile and the messages wait on the source: a dead broker holds no thread, so
 * it cannot starve the queues mapped to the brokers that work. A refusal of the message itself
 * ({@link SendFailure#isPermanent}) is thrown as {@link Refused}.
 */
final class TargetSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSender.class);

    private final DefaultMQProducer producer;
    private final CopySettings settings;
    private final LinkStats stats;
    private final String linkName;
    /** Per source queue whose last attempt failed: the backoff for its next one. */
    private final Map<MessageQueue, Backoff> failing = new ConcurrentHashMap<>();

    TargetSender(String group, ClusterConfig target, CopySettings settings, LinkStats stats, String linkName) {
        this.settings = settings;
        this.stats = stats;
        this.linkName = linkName;
        this.producer = new DefaultMQProducer(group, ClusterClients.rpcHook(target));
        ClusterClients.configure(producer, target, "copy");
        producer.setSendMsgTimeout((int) settings.sendTimeoutMillis());
        // Ferry picks the queue and retries itself; the client's own retries would send to another queue.
        producer.setRetryTimesWhenSendFailed(0);
        // The target broker decides what is too large; the client must not refuse first with another limit.
        producer.setMaxMessageSize(Integer.MAX_VALUE / 2);
    }

    void start() throws Exception {
        producer.start();
    }

    /**
     * Sends {@code message} (a copy, or a batch of them from {@link Batches#join}) to {@code queue}'s target.
     *
     * @param count the copies it carries, for the log
     * @return the target's answer (its queue and the offset of the first copy)
     * @throws Refused when the target refuses a copy for good
     * @throws Unsent  when it did not take it now; try again after {@link Unsent#retryInMillis}
     */
    SendResult send(Message message, int count, MessageQueue source, QueueResolver queue) throws Refused, Unsent {
        MessageQueue target = null;
        try {
            target = queue.resolve();
            SendResult result = producer.send(message, target, settings.sendTimeoutMillis());
            if (result.getSendStatus() != SendStatus.SEND_OK) {
                // Stored on the master but not yet flushed or replicated: sending again would duplicate.
                LOG.debug("{}: {} -> {}: {}", linkName, source, target, result.getSendStatus());
            }
            recovered(source);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unsent("interrupted", 0, e);
        } catch (Exception e) {
            if (SendFailure.isPermanent(e)) {
                // The target answered: whatever was retrying is over; the refusal is the caller's to handle.
                failing.remove(source);
                stats.troubled.remove(source);
                throw new Refused(SendFailure.describe(e), e);
            }
            String reason = (target == null ? "" : "to " + target.getBrokerName() + " queue " + target.getQueueId()
                + " of " + target.getTopic() + ": ") + SendFailure.describe(e);
            stats.retries.increment();
            stats.lastError.set(reason);
            queue.refresh();
            Backoff backoff = failing.computeIfAbsent(source, ignored -> {
                LOG.warn("{}: {}: target did not take a batch of {} ({}); retrying until it does", linkName, source,
                    count, reason);
                return new Backoff(100, settings.retryMaxDelayMillis());
            });
            stats.troubled.put(source, "retrying: " + reason);
            throw new Unsent(reason, backoff.nextDelayMillis(), e);
        }
    }

    /** A send of the queue went through (or the queue is no longer this process's): its trouble is over. */
    void recovered(MessageQueue source) {
        if (failing.remove(source) != null) {
            stats.troubled.remove(source);
            LOG.info("{}: {} copies again", linkName, source);
        }
    }

    /** Forgets the queues this process no longer copies: their trouble is another owner's now. */
    void forgetAllBut(Set<MessageQueue> owned) {
        failing.keySet().removeIf(queue -> !owned.contains(queue));
    }

    @Override
    public void close() {
        producer.shutdown();
    }

    /** The target queue of the batch, found again after a failure (routes change when brokers come and go). */
    interface QueueResolver {
        MessageQueue resolve() throws Exception;

        void refresh();
    }

    /** The target did not take a send now; the queue tries again in {@link #retryInMillis}. */
    static final class Unsent extends Exception {
        private final long retryInMillis;

        Unsent(String reason, long retryInMillis, Throwable cause) {
            super(reason, cause);
            this.retryInMillis = retryInMillis;
        }

        long retryInMillis() {
            return retryInMillis;
        }
    }

    /** The target refuses a message for good. */
    static final class Refused extends Exception {
        Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
