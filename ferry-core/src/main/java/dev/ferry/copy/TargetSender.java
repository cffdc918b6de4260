package dev.ferry.copy;

import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches to chosen queues of the target cluster, trying again until the target takes them.
 *
 * <p>A send that fails for a reason of the target's state (down, busy, throttling) is retried with capped
 * backoff for as long as the caller still owns the source queue; the messages meanwhile wait on the source.
 * A refusal of the message itself ({@link SendFailure#isPermanent}) is thrown at once as {@link Refused}.
 */
final class TargetSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSender.class);

    private final DefaultMQProducer producer;
    private final CopySettings settings;
    private final LinkStats stats;
    private final String linkName;

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
     * Sends {@code message} (a copy, or a batch of them from {@link Batches#join}) to {@code queue}, retrying
     * transient failures while {@code owned} holds.
     *
     * @param count the copies it carries, for the log
     * @return the target's answer (its queue and the offset of the first copy), or null when {@code owned}
     *     turned false before the target took it
     * @throws Refused when the target refuses a copy for good
     */
    SendResult send(Message message, int count, MessageQueue source, QueueResolver queue, BooleanSupplier owned)
        throws Refused, InterruptedException {
        Backoff backoff = new Backoff(100, settings.retryMaxDelayMillis());
        boolean failedBefore = false;
        while (true) {
            MessageQueue target = null;
            try {
                target = queue.resolve();
                SendResult result = producer.send(message, target, settings.sendTimeoutMillis());
                if (result.getSendStatus() != SendStatus.SEND_OK) {
                    // Stored on the master but not yet flushed or replicated: sending again would duplicate.
                    LOG.debug("{}: {} -> {}: {}", linkName, source, target, result.getSendStatus());
                }
                if (failedBefore) {
                    stats.troubled.remove(source);
                    LOG.info("{}: {} copies again", linkName, source);
                }
                return result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (SendFailure.isPermanent(e)) {
                    throw new Refused(SendFailure.describe(e), e);
                }
                String reason = (target == null ? "" : "to " + target.getBrokerName() + " queue " + target.getQueueId()
                    + " of " + target.getTopic() + ": ") + SendFailure.describe(e);
                stats.retries.increment();
                stats.lastError.set(reason);
                queue.refresh();
                if (!failedBefore) {
                    failedBefore = true;
                    stats.troubled.put(source, "retrying: " + reason);
                    LOG.warn("{}: {}: target did not take a batch of {}: {}; retrying until it does", linkName,
                        source, count, reason);
                }
            }
            if (!owned.getAsBoolean()) {
                stats.troubled.remove(source);
                return null;
            }
            Thread.sleep(backoff.nextDelayMillis());
        }
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

    /** The target refuses a message for good. */
    static final class Refused extends Exception {
        Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
