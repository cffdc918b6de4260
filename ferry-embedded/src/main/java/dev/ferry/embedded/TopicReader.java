package dev.ferry.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
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
        long instance = INSTANCES.incrementAndGet();
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("test-reader-" + instance, hook);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("test-reader-" + ProcessHandle.current().pid() + "-" + instance);
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(256);
        fastOnManyQueues(consumer);
        // A new group with no progress starts at the first offset; no seek, which races with the pull task
        // the assignment already started and can hand out the first messages twice.
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.start();
        try {
            Collection<MessageQueue> queues = consumer.fetchMessageQueues(topic);
            consumer.assign(queues);
            return poll(consumer, expected, quiet, timeout);
        } finally {
            QuickShutdown.shutdown(consumer, consumer::shutdown);
        }
    }

    /**
     * Each queue read to its end holds one of the consumer's pull threads in a long poll at the broker (20 s,
     * fixed in the client); with more queues than pull threads (20 by default), the queues that still hold
     * messages wait for one: 50 s to read 8,640 messages of 48 queues. A thread per queue reads them at once.
     */
    private static void fastOnManyQueues(DefaultLitePullConsumer consumer) {
        consumer.setPullThreadNums(64);
    }

    /**
     * Polls until {@code expected} messages and a quiet spell, or the timeout. Each stored message is
     * returned once, whatever the client delivers twice: a reader must show what the cluster holds.
     */
    private static List<MessageExt> poll(DefaultLitePullConsumer consumer, int expected, Duration quiet,
                                         Duration timeout) {
        List<MessageExt> read = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastArrival = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<MessageExt> batch = consumer.poll(200);
            for (MessageExt message : batch) {
                if (seen.add(message.getBrokerName() + "/" + message.getQueueId() + "/" + message.getQueueOffset())) {
                    read.add(message);
                }
            }
            if (!batch.isEmpty()) {
                lastArrival = System.nanoTime();
            } else if (read.size() >= expected && System.nanoTime() - lastArrival > quiet.toNanos()) {
                break;
            }
        }
        return read;
    }

    /**
     * Reads every message of {@code topic} that matches the SQL-92 expression, as a consumer subscribing
     * with it would (a new consumer group that starts at the first offset; the broker filters). Stops as
     * {@link #readAll(String, String, int, Duration, Duration)} does.
     */
    public static List<MessageExt> readMatching(String namesrv, String topic, String sql92, int expected,
                                                Duration quiet, Duration timeout) throws Exception {
        String name = "test-sql-reader-" + INSTANCES.incrementAndGet();
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(name + "-" + ProcessHandle.current().pid());
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(name + "-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPullBatchSize(256);
        fastOnManyQueues(consumer);
        consumer.subscribe(topic, MessageSelector.bySql(sql92));
        consumer.start();
        try {
            return poll(consumer, expected, quiet, timeout);
        } finally {
            QuickShutdown.shutdown(consumer, consumer::shutdown);
        }
    }

    /** Reads until at least {@code expected} messages and half a second without more (tests read what is stored). */
    public static List<MessageExt> readAll(String namesrv, String topic, int expected) throws Exception {
        return readAll(namesrv, topic, expected, Duration.ofMillis(500), Duration.ofSeconds(120));
    }
}
