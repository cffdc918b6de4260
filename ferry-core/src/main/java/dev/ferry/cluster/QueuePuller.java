package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reads a queue from a given offset, a batch at a time, with the PULL_MESSAGE request every RocketMQ version knows:
 * for Ferry's short reads of a cluster (the tail of its checkpoint and offset-sync topics, a scan by origin time).
 *
 * <p>Not the 5.x lite pull consumer: its pulls are LITE_PULL_MESSAGE (request code 361, RocketMQ 5.0+), which a
 * 4.x broker refuses ("request type 361 not supported"), and the consumer swallows the refusal and returns
 * nothing — a 4.x target's checkpoints and offset syncs read as absent. Nor a long poll: a pull at a queue's end
 * answers at once.
 *
 * <pre>{@code
 * try (QueuePuller puller = QueuePuller.open(cluster, FerryNames.TAIL_READER_GROUP, "tail-reader")) {
 *     PullResult batch = puller.pull(queue, offset, 32); // FOUND, NO_NEW_MSG at the end
 * }
 * }</pre>
 */
@SuppressWarnings("deprecation") // DefaultMQPullConsumer: the client whose pulls are PULL_MESSAGE, on every version
public final class QueuePuller implements AutoCloseable {

    private final DefaultMQPullConsumer consumer;

    private QueuePuller(DefaultMQPullConsumer consumer) {
        this.consumer = consumer;
    }

    /** A started reader of {@code cluster} as consumer group {@code group} (it commits nothing). */
    public static QueuePuller open(ClusterConfig cluster, String group, String role) throws Exception {
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer(group, ClusterClients.rpcHook(cluster));
        ClusterClients.configure(consumer, cluster, role);
        ClusterClients.start(consumer, cluster, consumer::start);
        return new QueuePuller(consumer);
    }

    /** Up to {@code max} messages of {@code queue} from {@code offset}; at once, whatever the queue holds. */
    public PullResult pull(MessageQueue queue, long offset, int max) throws Exception {
        return consumer.pull(queue, "*", offset, max);
    }

    /**
     * The messages of {@code queue} within [{@code from}, {@code to}), in order, each once; fewer when the queue ends
     * earlier (or its first messages were deleted: those it does not hold are passed over).
     */
    public List<MessageExt> read(MessageQueue queue, long from, long to) throws Exception {
        List<MessageExt> read = new ArrayList<>();
        long offset = from;
        while (offset < to) {
            PullResult result = pull(queue, offset, (int) Math.min(32, to - offset));
            if (result.getPullStatus() == PullStatus.FOUND) {
                for (MessageExt message : result.getMsgFoundList()) {
                    if (message.getQueueOffset() >= offset && message.getQueueOffset() < to) {
                        read.add(message);
                    }
                }
            } else if (result.getPullStatus() != PullStatus.OFFSET_ILLEGAL) {
                break; // the queue's end
            }
            if (result.getNextBeginOffset() <= offset) {
                break; // no progress: nothing more to read here
            }
            offset = result.getNextBeginOffset();
        }
        return read;
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(consumer, consumer::shutdown);
    }
}
