package dev.ferry.watermark;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.util.List;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reads target queues by offset, for {@link WatermarkScan}: RocketMQ's pull consumer, the one client that reads a
 * given offset of a given queue now and returns (a lite pull consumer's seek races with its own pull task). Its
 * group ({@link FerryNames#WATERMARK_READER_GROUP}) never commits anything. Started on first use: a link whose
 * queues never need a scan never connects it.
 */
final class TargetQueueReader implements AutoCloseable {

    /** The broker's own cap on messages per pull read from memory. */
    private static final int PULL_MESSAGES = 32;

    private final ClusterConfig target;
    private final long timeoutMillis;
    private DefaultMQPullConsumer consumer;
    private boolean closed;

    TargetQueueReader(ClusterConfig target, long timeoutMillis) {
        this.target = target;
        this.timeoutMillis = timeoutMillis;
    }

    /** A reader of one target queue. */
    WatermarkScan.QueueReader of(MessageQueue queue) {
        return new WatermarkScan.QueueReader() {
            @Override
            public long minOffset() throws Exception {
                return client().minOffset(queue);
            }

            @Override
            public long maxOffset() throws Exception {
                return client().maxOffset(queue);
            }

            @Override
            public List<MessageExt> read(long from, int count) throws Exception {
                PullResult result = client().pull(queue, "*", from, Math.min(count, PULL_MESSAGES), timeoutMillis);
                return result.getPullStatus() == PullStatus.FOUND ? result.getMsgFoundList() : List.of();
            }
        };
    }

    private synchronized DefaultMQPullConsumer client() throws Exception {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (consumer == null) {
            DefaultMQPullConsumer started = ClusterClients.configure(new DefaultMQPullConsumer(
                FerryNames.WATERMARK_READER_GROUP, ClusterClients.rpcHook(target)), target, "watermark-reader");
            started.setConsumerPullTimeoutMillis(timeoutMillis);
            ClusterClients.start(started, target, started::start);
            consumer = started;
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (consumer != null) {
            DefaultMQPullConsumer started = consumer;
            ClientShutdown.shutdown(started, started::shutdown);
        }
    }
}
