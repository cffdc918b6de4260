package dev.ferry.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;

/**
 * Reads a whole topic from the beginning, queue by queue, without a consumer group's progress: what a test,
 * the demo's closing check or the benchmark needs to see exactly what a cluster holds.
 */
public final class TopicReader {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private TopicReader() {
    }

    /**
     * Reads until at least {@code expected} messages were read and no more arrive for {@code quiet},
     * or until {@code timeout}; returns everything read, in queue order per queue.
     */
    public static List<MessageExt> readAll(String namesrv, String topic, int expected, Duration quiet, Duration timeout)
        throws Exception {
        return readAll(namesrv, null, topic, expected, quiet, timeout);
    }

    /** As {@link #readAll(String, String, int)}, signing as the cluster's super user when it has ACL on. */
    public static List<MessageExt> readAll(EmbeddedCluster cluster, String topic, int expected) throws Exception {
        return readAll(cluster.namesrvAddr(), cluster.hasAcl() ? cluster.acl().superUserHook() : null, topic, expected,
            Duration.ofMillis(500), Duration.ofSeconds(120));
    }

    private static List<MessageExt> readAll(String namesrv, RPCHook hook, String topic, int expected, Duration quiet,
                                            Duration timeout) throws Exception {
        return read(namesrv, hook, topic, null, expected, quiet, timeout);
    }

    /**
     * Reads every message of {@code topic} that matches the SQL-92 expression, as a consumer subscribing
     * with it would (the broker filters). Stops as {@link #readAll(String, String, int, Duration, Duration)} does.
     */
    public static List<MessageExt> readMatching(String namesrv, String topic, String sql92, int expected,
                                                Duration quiet, Duration timeout) throws Exception {
        return read(namesrv, null, topic, MessageSelector.bySql(sql92), expected, quiet, timeout);
    }

    /**
     * Pulls each queue from its first offset to its end, without a consumer group's progress and without the
     * broker's long poll: a consumer's pull that reaches a queue's end is held at the broker for up to 20 s
     * (fixed in the client), and the consumer this reader used before met such holds now and then: 23 s instead
     * of 1 s to read 8,640 messages. Here a queue at its end answers at once, and the reader passes over every
     * queue again until {@code expected} messages and a quiet spell, or the timeout.
     */
    @SuppressWarnings("deprecation") // DefaultMQPullConsumer: the one client that pulls an offset and is not held
    private static List<MessageExt> read(String namesrv, RPCHook hook, String topic, MessageSelector selector,
                                         int expected, Duration quiet, Duration timeout) throws Exception {
        String name = "test-reader-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer(name, hook);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(name);
        consumer.start();
        try {
            return new Passes(consumer, topic, selector).until(expected, quiet, timeout);
        } finally {
            QuickShutdown.shutdown(consumer, consumer::shutdown);
        }
    }

    /** The reader's next offset in each queue, and what it read, in queue order per queue. */
    @SuppressWarnings("deprecation")
    private static final class Passes {
        private static final int BATCH = 32;
        private static final long PAUSE_NANOS = 50_000_000L;
        private final DefaultMQPullConsumer consumer;
        private final String topic;
        private final MessageSelector selector;
        private final Map<MessageQueue, Long> next = new HashMap<>();
        private final List<MessageExt> read = new ArrayList<>();

        Passes(DefaultMQPullConsumer consumer, String topic, MessageSelector selector) {
            this.consumer = consumer;
            this.topic = topic;
            this.selector = selector == null ? MessageSelector.byTag("*") : selector;
        }

        List<MessageExt> until(int expected, Duration quiet, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                if (readOnce() > 0) {
                    lastArrival = System.nanoTime();
                } else if (read.size() >= expected && System.nanoTime() - lastArrival > quiet.toNanos()) {
                    break;
                } else {
                    LockSupport.parkNanos(PAUSE_NANOS); // a reader's poll interval, as a pull consumer's
                }
            }
            return read;
        }

        /** Reads every queue to its present end; a queue whose broker does not answer waits for the next pass. */
        private int readOnce() {
            int before = read.size();
            Set<MessageQueue> queues;
            try {
                queues = new TreeSet<>(consumer.fetchSubscribeMessageQueues(topic));
            } catch (Exception e) {
                return 0; // no route yet: the next pass asks again
            }
            for (MessageQueue queue : queues) {
                try {
                    readToEnd(queue);
                } catch (Exception e) {
                    // a broker down or restarting: its queues are read on a later pass
                }
            }
            return read.size() - before;
        }

        private void readToEnd(MessageQueue queue) throws Exception {
            while (true) {
                long offset = next.getOrDefault(queue, 0L);
                PullResult result = consumer.pull(queue, selector, offset, BATCH);
                next.put(queue, result.getNextBeginOffset());
                if (result.getPullStatus() == PullStatus.FOUND) {
                    read.addAll(result.getMsgFoundList());
                } else if (result.getPullStatus() != PullStatus.OFFSET_ILLEGAL
                    || result.getNextBeginOffset() == offset) {
                    return;
                }
            }
        }
    }

    /** Reads until at least {@code expected} messages and half a second without more (tests read what is stored). */
    public static List<MessageExt> readAll(String namesrv, String topic, int expected) throws Exception {
        return readAll(namesrv, topic, expected, Duration.ofMillis(500), Duration.ofSeconds(120));
    }
}
