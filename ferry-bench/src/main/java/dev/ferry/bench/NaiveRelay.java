package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What a user writes instead of Ferry: a lite-pull consumer on the source and, for each message, a synchronous
 * send of a copy to the target. Correct and simple; each message waits for the target's answer before the
 * next one goes.
 */
final class NaiveRelay {

    /** Messages relayed so far, for sampling. */
    final AtomicLong relayed = new AtomicLong();

    /** Relays {@code sourceTopic} from its first message into {@code targetTopic} until {@code count} or the time is up. */
    void relay(String sourceNamesrv, String sourceTopic, String targetNamesrv, String targetTopic, long count,
               Duration limit) throws Exception {
        relayed.set(0);
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("ferry-bench-naive");
        consumer.setNamesrvAddr(sourceNamesrv);
        consumer.setInstanceName("ferry-bench-naive-" + ProcessHandle.current().pid());
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(32);
        DefaultMQProducer producer = new DefaultMQProducer("ferry-bench-naive");
        producer.setNamesrvAddr(targetNamesrv);
        producer.setInstanceName("ferry-bench-naive-out-" + ProcessHandle.current().pid());
        producer.setSendMsgTimeout(30_000);
        consumer.start();
        producer.start();
        try {
            List<MessageQueue> queues = List.copyOf(consumer.fetchMessageQueues(sourceTopic));
            consumer.assign(queues);
            for (MessageQueue queue : queues) {
                Seek.to(consumer, queue, 0);
            }
            long deadline = System.nanoTime() + limit.toNanos();
            while (relayed.get() < count && System.nanoTime() < deadline) {
                for (MessageExt message : consumer.poll(1_000)) {
                    if (relayed.get() == count) {
                        break; // the relay moves the measured count, whatever else the topic holds
                    }
                    Message copy = new Message(targetTopic, message.getTags(), message.getKeys(), message.getBody());
                    message.getProperties().forEach((key, value) -> {
                        if (!MessageConst.STRING_HASH_SET.contains(key)) {
                            copy.putUserProperty(key, value);
                        }
                    });
                    producer.send(copy);
                    relayed.incrementAndGet();
                }
            }
        } finally {
            ClientShutdown.shutdown(consumer, consumer::shutdown);
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
    }
}
