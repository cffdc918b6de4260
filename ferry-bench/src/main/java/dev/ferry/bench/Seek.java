package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Lite-pull readers pointed at offsets, for the counts and delays the benchmark reads back. The seek asks the broker for the queue's bounds, a call that fails now
 * and then on a machine busy with the run (a timeout, a fresh connection not yet up): asked again, up to five
 * times, a second apart.
 */
final class Seek {

    private Seek() {
    }

    /**
     * A started reader of the queues in {@code from}, each at its offset there; the caller shuts it down.
     *
     * @param name the reader's group and, made unique, its instance name
     */
    static DefaultLitePullConsumer reader(String namesrv, String name, Map<MessageQueue, Long> from)
        throws Exception {
        DefaultLitePullConsumer reader = new DefaultLitePullConsumer(name);
        reader.setNamesrvAddr(namesrv);
        reader.setInstanceName(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        reader.setAutoCommit(false);
        reader.setPullBatchSize(256);
        reader.start();
        try {
            reader.assign(from.keySet());
            for (Map.Entry<MessageQueue, Long> queue : from.entrySet()) {
                to(reader, queue.getKey(), queue.getValue());
            }
            return reader;
        } catch (Exception e) {
            ClientShutdown.shutdown(reader, reader::shutdown);
            throw e;
        }
    }

    static void to(DefaultLitePullConsumer consumer, MessageQueue queue, long offset) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.seek(queue, offset);
                return;
            } catch (MQClientException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(1_000);
            }
        }
    }
}
