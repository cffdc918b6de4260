package dev.ferry.bench;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Points a lite-pull consumer at an offset (the naive relay's). The seek asks the broker for the queue's bounds, a
 * call that fails now and then on a machine busy with the run (a timeout, a fresh connection not yet up): asked
 * again, up to five times, a second apart. Readers of copies from given offsets use {@link OffsetReader} instead.
 */
final class Seek {

    private Seek() {
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
