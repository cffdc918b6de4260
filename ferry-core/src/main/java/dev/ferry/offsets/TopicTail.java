package dev.ferry.offsets;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.QueuePuller;
import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reads the newest messages of one of Ferry's own small topics (checkpoints, offset syncs), each once, with plain
 * pulls ({@link QueuePuller}): a RocketMQ 4.x target refuses the 5.x lite pull consumer's requests.
 */
final class TopicTail {

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
            List<MessageExt> read = new ArrayList<>();
            try (QueuePuller puller = QueuePuller.open(cluster, FerryNames.TAIL_READER_GROUP, "tail-reader")) {
                for (MessageQueue queue : queues) {
                    read.addAll(puller.read(queue, starts.get(queue), ends.get(queue)));
                }
            }
            return read;
        }
    }
}
