package dev.ferry.offsets;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** Reads the newest messages of one of Ferry's own small topics (checkpoints, offset syncs), each once. */
final class TopicTail {

    static final Duration QUIET = Duration.ofSeconds(3);
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private TopicTail() {
    }

    /** Up to the last {@code count} messages of every queue of {@code topic}, in queue order; empty if no topic. */
    static List<MessageExt> read(ClusterConfig cluster, String topic, int count) throws Exception {
        try (ClusterAdmin admin = ClusterAdmin.connect(cluster)) {
            List<MessageQueue> queues = admin.queues(topic);
            if (queues.isEmpty()) {
                return List.of();
            }
            Map<MessageQueue, Long> starts = new LinkedHashMap<>();
            Map<MessageQueue, Long> ends = new LinkedHashMap<>();
            long total = 0;
            for (MessageQueue queue : queues) {
                long max = admin.maxOffset(queue);
                long start = Math.max(admin.minOffset(queue), max - count);
                starts.put(queue, start);
                ends.put(queue, max);
                total += max - start;
            }
            if (total == 0) {
                return List.of();
            }
            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(FerryNames.TAIL_READER_GROUP,
                ClusterClients.rpcHook(cluster));
            ClusterClients.configure(consumer, cluster, "tail-reader");
            consumer.setAutoCommit(false);
            ClusterClients.start(consumer, cluster, consumer::start);
            try {
                consumer.assign(queues);
                for (MessageQueue queue : queues) {
                    consumer.seek(queue, starts.get(queue));
                }
                return poll(consumer, starts, ends, total);
            } finally {
                ClientShutdown.shutdown(consumer, consumer::shutdown);
            }
        }
    }

    /**
     * Each stored message once, within [start, end) of its queue (the seek can race with the first pull);
     * stops when all are read, after {@link #QUIET} without any, or at {@link #DEADLINE}: a caller that waits
     * on this (a link starting, a failover) must not hang on a slow or odd topic.
     */
    private static List<MessageExt> poll(DefaultLitePullConsumer consumer, Map<MessageQueue, Long> starts,
                                         Map<MessageQueue, Long> ends, long expected) {
        List<MessageExt> read = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long lastArrival = System.nanoTime();
        while (seen.size() < expected && System.nanoTime() < deadline
            && System.nanoTime() - lastArrival < QUIET.toNanos()) {
            List<MessageExt> batch = consumer.poll(200);
            if (!batch.isEmpty()) {
                lastArrival = System.nanoTime();
            }
            for (MessageExt message : batch) {
                MessageQueue queue = new MessageQueue(message.getTopic(), message.getBrokerName(), message.getQueueId());
                long offset = message.getQueueOffset();
                if (offset >= starts.getOrDefault(queue, 0L) && offset < ends.getOrDefault(queue, Long.MAX_VALUE)
                    && seen.add(message.getBrokerName() + "/" + message.getQueueId() + "/" + offset)) {
                    read.add(message);
                }
            }
        }
        return read;
    }
}
