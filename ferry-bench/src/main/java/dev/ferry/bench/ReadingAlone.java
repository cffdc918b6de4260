package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * What reading alone costs: RocketMQ's push consumer, orderly and handing over up to 1,024 messages at once as a
 * link's does, with a listener that only counts, reading a topic from its first message. A copy is a read and a
 * write: this consumer's CPU per message beside the producer's says what RocketMQ's client spends on the two. It
 * reads as an application would, with the client's own pull layer and decoding; a link reads ahead and decodes pulls
 * itself ({@code ReadAhead}, {@code PullDecoder}), with less garbage per message.
 */
final class ReadingAlone implements AutoCloseable {

    /** Messages handed to the listener so far, for sampling. */
    final AtomicLong read = new AtomicLong();
    private DefaultMQPushConsumer consumer;

    /** Starts reading {@code topic} from its first message; the caller waits on {@link #read}. */
    void start(String namesrv, String topic) throws Exception {
        consumer = new DefaultMQPushConsumer("ferry-bench-reading-alone");
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("ferry-bench-reading-alone-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1024);
        consumer.setPullBatchSize(1024);
        consumer.setPullThresholdForQueue(2 * 1024);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            read.addAndGet(messages.size());
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
    }

    @Override
    public void close() {
        if (consumer != null) {
            ClientShutdown.shutdown(consumer, consumer::shutdown);
        }
    }
}
