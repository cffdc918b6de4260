package dev.ferry.copy;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
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
 *
 * <p>A send the target answers with a status other than {@code SEND_OK} was stored on the master but not
 * confirmed safe, and is counted ({@code ferry_unconfirmed_sends_total}):
 * <ul>
 *   <li>{@code FLUSH_DISK_TIMEOUT} (a {@code SYNC_FLUSH} master's disk was slow) and {@code FLUSH_SLAVE_TIMEOUT}
 *       (a {@code SYNC_MASTER}'s slave was slow): not taken as stored, thrown as {@link Unsent}. With exactly-once
 *       delivery the copier then asks the target what it holds before it sends anything again (the unconfirmed
 *       copy is there: it is not sent twice); at least once, the batch is sent again until a send is confirmed,
 *       and the unconfirmed copy may survive too: a possible duplicate. Losing the copy to a master crash would
 *       be worse.</li>
 *   <li>{@code SLAVE_NOT_AVAILABLE} (a {@code SYNC_MASTER} with no slave online): kept. Sending again cannot make
 *       it safer while no slave is there, and would write a duplicate with every attempt; copying goes on, stored
 *       on the master only, and one log line per broker says so.</li>
 * </ul>
 */
final class TargetSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSender.class);

    /**
     * {@code copy.sendConnections} producers, each a client of its own and so a connection of its own to each target
     * broker; a source queue always sends with the same one. With one connection, the batches of several queues sent
     * at once queue behind each other in its window, which across a region is what bounds the copy.
     */
    private final List<DefaultMQProducer> producers;
    /** Null for a test's producer. */
    private final ClusterConfig target;
    private final CopySettings settings;
    private final LinkStats stats;
    private final String linkName;
    /** Per source queue whose last attempt failed: the backoff for its next one. */
    private final Map<MessageQueue, Backoff> failing = new ConcurrentHashMap<>();
    /** Target brokers that answered SLAVE_NOT_AVAILABLE, said once each until one answers otherwise. */
    private final Set<String> brokersWithoutSlave = ConcurrentHashMap.newKeySet();

    TargetSender(String group, ClusterConfig target, CopySettings settings, LinkStats stats, String linkName) {
        this(IntStream.range(0, settings.sendConnections())
            .mapToObj(i -> ClusterClients.configure(ClusterClients.producer(group, target), target, "copy")).toList(),
            target, settings, stats, linkName);
    }

    /** For tests: producers of the test's own (fakes that answer as a broker would), one per connection. */
    TargetSender(List<DefaultMQProducer> producers, CopySettings settings, LinkStats stats, String linkName) {
        this(producers, null, settings, stats, linkName);
    }

    private TargetSender(List<DefaultMQProducer> producers, ClusterConfig target, CopySettings settings,
                         LinkStats stats, String linkName) {
        this.target = target;
        this.settings = settings;
        this.stats = stats;
        this.linkName = linkName;
        this.producers = producers;
        for (DefaultMQProducer producer : producers) {
            producer.setSendMsgTimeout((int) settings.sendTimeout().toMillis());
            // Ferry picks the queue and retries itself; the client's own retries would send to another queue.
            producer.setRetryTimesWhenSendFailed(0);
            // The target broker decides what is too large; the client must not refuse first with another limit.
            producer.setMaxMessageSize(Integer.MAX_VALUE / 2);
        }
    }

    void start() throws Exception {
        for (DefaultMQProducer producer : producers) {
            if (target == null) {
                producer.start();
            } else {
                ClusterClients.start(producer, target, producer::start);
            }
        }
    }

    /** The producer of a source queue: always the same one, the queues spread evenly over them. */
    private DefaultMQProducer producerOf(MessageQueue source) {
        return producers.get(Math.floorMod(source.getQueueId() + source.getBrokerName().hashCode(), producers.size()));
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
            SendResult result = producerOf(source).send(message, target, settings.sendTimeout().toMillis());
            if (result.getSendStatus() != SendStatus.SEND_OK) {
                unconfirmed(result, source, count);
            }
            recovered(source);
            return result;
        } catch (Unsent unconfirmed) {
            throw unconfirmed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unsent("interrupted", 0, e);
        } catch (Exception e) {
            if (SendFailure.isPermanent(e)) {
                // The target answered: whatever was retrying is over; the refusal is the caller's to handle.
                failing.remove(source);
                stats.stopRetrying(source);
                throw new Refused(SendFailure.describe(e), e);
            }
            String reason = (target == null ? "" : "to " + target.getBrokerName() + " queue " + target.getQueueId()
                + " of " + target.getTopic() + ": ") + SendFailure.describe(e);
            stats.retried(reason);
            queue.refresh();
            Backoff backoff = failing.computeIfAbsent(source, ignored -> {
                LOG.warn("{}: {}: target did not take a batch of {} ({}); retrying until it does", linkName, source,
                    count, reason);
                return new Backoff(100, settings.retryMaxDelay().toMillis());
            });
            if (SendFailure.isPermissionDenied(e)) {
                // Time will not fix it, an operator will: blocked, not retrying; tried again all the same, so it
                // copies on by itself once the right is back.
                stats.stopRetrying(source);
                stats.block(source, "blocked: the target refuses Ferry's user: " + reason);
            } else {
                stats.retrying(source, "retrying: " + reason);
            }
            throw new Unsent(reason, backoff.nextDelayMillis(), e);
        }
    }

    /**
     * A send stored but not confirmed safe: a flush or slave timeout is thrown as {@link Unsent} (not taken as stored);
     * no slave available is kept, said once per broker.
     */
    private void unconfirmed(SendResult result, MessageQueue source, int count) throws Unsent {
        stats.unconfirmed();
        String broker = result.getMessageQueue().getBrokerName();
        if (result.getSendStatus() == SendStatus.SLAVE_NOT_AVAILABLE) {
            if (brokersWithoutSlave.add(broker)) {
                LOG.warn("{}: target broker {} has no slave online (SLAVE_NOT_AVAILABLE): copies go on, stored on its"
                    + " master only until a slave is back", linkName, broker);
            }
            return;
        }
        brokersWithoutSlave.remove(broker);
        Backoff backoff =
            failing.computeIfAbsent(source, ignored -> new Backoff(100, settings.retryMaxDelay().toMillis()));
        String reason = "to " + broker + " queue " + result.getMessageQueue().getQueueId() + ": stored but not"
            + " confirmed safe (" + result.getSendStatus() + "); the batch of " + count + " is not taken as stored"
            + " (exactly-once: what the target holds is read before anything is sent again; at-least-once: sent"
            + " again, possible duplicates)";
        stats.retried(reason);
        stats.retrying(source, "retrying: " + reason);
        LOG.warn("{}: {}: {}", linkName, source, reason);
        throw new Unsent(reason, backoff.nextDelayMillis(), null);
    }

    /** A send of the queue went through (or the queue is no longer this process's): its trouble is over. */
    void recovered(MessageQueue source) {
        if (failing.remove(source) != null) {
            stats.clear(source);
            LOG.info("{}: {} copies again", linkName, source);
        }
    }

    /** Forgets the queues this process no longer copies: their trouble is another owner's now. */
    void forgetAllBut(Set<MessageQueue> owned) {
        failing.keySet().removeIf(queue -> !owned.contains(queue));
    }

    @Override
    public void close() {
        for (DefaultMQProducer producer : producers) {
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
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
