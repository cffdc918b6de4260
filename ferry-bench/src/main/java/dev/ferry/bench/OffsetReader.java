package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reads queues from given offsets with plain pulls, for the copies whose delays the benchmark measures. Not the lite
 * pull consumer: its first pull of a queue goes out when the queue is assigned, before a seek to the wanted offset
 * takes effect, and what it brings back is delivered after the seek: copies of earlier phases (once a whole queue
 * read from its start) were taken for the phase's own. A pull here starts exactly where asked; no group, no
 * rebalancing, no broker hold.
 */
@SuppressWarnings("deprecation") // DefaultMQPullConsumer: the one client that pulls from a given offset, as asked
final class OffsetReader implements AutoCloseable {

    private static final int BATCH = 32;
    private static final long TIMEOUT_MILLIS = 3_000;
    /** A pass that found nothing waits this long before the next, so that reading does not spin. */
    private static final long IDLE_PAUSE_NANOS = 50_000_000L;

    private final DefaultMQPullConsumer consumer;
    private final Map<MessageQueue, Long> next;

    /** @param from each queue to read and the offset to read it from */
    OffsetReader(String namesrv, String name, Map<MessageQueue, Long> from) throws MQClientException {
        this.next = new LinkedHashMap<>(from);
        this.consumer = new DefaultMQPullConsumer(name);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        consumer.start();
    }

    /** One pass over the queues: what each holds from where the last pass stopped (up to a pull's worth). */
    List<MessageExt> poll() throws Exception {
        List<MessageExt> found = new ArrayList<>();
        for (Map.Entry<MessageQueue, Long> queue : next.entrySet()) {
            PullResult result = consumer.pull(queue.getKey(), "*", queue.getValue(), BATCH, TIMEOUT_MILLIS);
            if (result.getPullStatus() == PullStatus.FOUND) {
                found.addAll(result.getMsgFoundList());
                queue.setValue(result.getNextBeginOffset());
            }
        }
        if (found.isEmpty()) {
            LockSupport.parkNanos(IDLE_PAUSE_NANOS);
        }
        return found;
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(consumer, consumer::shutdown);
    }
}
