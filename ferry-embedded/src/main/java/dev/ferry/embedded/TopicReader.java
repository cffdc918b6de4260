package dev.ferry.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

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
        long instance = INSTANCES.incrementAndGet();
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("test-reader-" + instance);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("test-reader-" + ProcessHandle.current().pid() + "-" + instance);
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(256);
        consumer.start();
        try {
            Collection<MessageQueue> queues = consumer.fetchMessageQueues(topic);
            consumer.assign(queues);
            for (MessageQueue queue : queues) {
                consumer.seekToBegin(queue);
            }
            List<MessageExt> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                List<MessageExt> batch = consumer.poll(200);
                if (!batch.isEmpty()) {
                    read.addAll(batch);
                    lastArrival = System.nanoTime();
                } else if (read.size() >= expected && System.nanoTime() - lastArrival > quiet.toNanos()) {
                    break;
                }
            }
            return read;
        } finally {
            consumer.shutdown();
        }
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
        consumer.subscribe(topic, MessageSelector.bySql(sql92));
        consumer.start();
        try {
            List<MessageExt> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                List<MessageExt> batch = consumer.poll(200);
                if (!batch.isEmpty()) {
                    read.addAll(batch);
                    lastArrival = System.nanoTime();
                } else if (read.size() >= expected && System.nanoTime() - lastArrival > quiet.toNanos()) {
                    break;
                }
            }
            return read;
        } finally {
            consumer.shutdown();
        }
    }

    public static List<MessageExt> readAll(String namesrv, String topic, int expected) throws Exception {
        return readAll(namesrv, topic, expected, Duration.ofSeconds(2), Duration.ofSeconds(120));
    }
}
