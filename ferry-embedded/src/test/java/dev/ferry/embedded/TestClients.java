package dev.ferry.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * RocketMQ clients for tests; each gets its own instanceName, as clients of different clusters must. Their
 * logs are routed like the embedded clusters' ones, even in a JVM without an in-process cluster.
 */
final class TestClients {

    private TestClients() {
    }

    static DefaultMQProducer producer(String namesrvAddr, String group) throws MQClientException {
        RocketMqLogging.route();
        DefaultMQProducer producer = new DefaultMQProducer(group);
        configure(producer, namesrvAddr);
        producer.start();
        return producer;
    }

    static DefaultLitePullConsumer consumer(String namesrvAddr, String group, String topic, MessageSelector selector)
        throws MQClientException {
        RocketMqLogging.route();
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(uniqueInstanceName());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPollTimeoutMillis(200);
        consumer.subscribe(topic, selector);
        consumer.start();
        return consumer;
    }

    static void configure(DefaultMQProducer producer, String namesrvAddr) {
        RocketMqLogging.route();
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName(uniqueInstanceName());
    }

    /** Polls until {@code count} messages arrived or the timeout passed; returns what arrived. */
    static List<MessageExt> pollAtLeast(DefaultLitePullConsumer consumer, int count, Duration timeout) {
        List<MessageExt> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count && System.nanoTime() - deadline < 0) {
            received.addAll(consumer.poll(200));
        }
        return received;
    }

    static String uniqueInstanceName() {
        return "test-" + UUID.randomUUID();
    }
}
