package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Applications under a namespace ({@code setNamespace("ns1")}): RocketMQ's client names their topic {@code orders}
 * and group {@code billing} as {@code ns1%orders} and {@code ns1%billing} on the broker, and that is what a backup
 * lists. The copies land in {@code ns1%orders} on the target, where the same applications, under the same namespace,
 * read them as {@code orders} (filtering on {@code FERRY_ORIGIN}); the group's progress follows as
 * {@code ns1%billing}.
 */
@SuppressWarnings("deprecation") // setNamespace: the remoting client's namespace, as 5.x applications set it
class NamespaceTest {

    private static final String NAMESPACE = "ns1";
    private static final String TOPIC = "ns-orders";
    private static final String GROUP = "ns-billing";
    private static final String STORED_TOPIC = NAMESPACE + "%" + TOPIC;
    private static final String STORED_GROUP = NAMESPACE + "%" + GROUP;

    @Test
    void aNamespacedTopicAndGroupCopyAsTheBrokerNamesThem() throws Exception {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster a = regions.a();
        EmbeddedCluster b = regions.b();
        a.createTopic(STORED_TOPIC, 2);
        FerryConfig config = TestConfigs.oneWayAtoB("namespaced", a.namesrvAddr(), b.namesrvAddr(),
            List.of(STORED_TOPIC));
        DefaultMQProducer producer = new DefaultMQProducer("ns-producer");
        producer.setNamespace(NAMESPACE);
        producer.setNamesrvAddr(a.namesrvAddr());
        producer.setInstanceName("ns-producer-" + ProcessHandle.current().pid());
        producer.start();
        Set<String> consumedOnA = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer billingOnA = consumer(a.namesrvAddr(), GROUP, "*", consumedOnA);
        try (Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
             ClusterAdmin onB = ClusterAdmin.connect(config.cluster("B"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new Message(TOPIC, ("ns-" + i).getBytes()));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> consumedOnA.size() == 100
                && b.messageCount(STORED_TOPIC) >= 100);
            // The idle group follows on B under its stored name: to the end of what was copied.
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.checkpoints().stream()
                .anyMatch(c -> c.group().equals(STORED_GROUP) && c.topic().equals(STORED_TOPIC)));
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(onB, onB.queues(STORED_TOPIC)) == 100);
        } finally {
            ClientShutdown.shutdown(billingOnA, billingOnA::shutdown);
            ClientShutdown.shutdown(producer, producer::shutdown);
        }

        Set<String> readOnB = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer readerOnB = consumer(b.namesrvAddr(), "ns-reader",
            FerryNames.ORIGIN + " = 'A'", readOnB);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> readOnB.size() == 100);
            assertThat(readOnB).as("the namespaced application on B reads every copy under its plain topic name")
                .containsExactlyInAnyOrderElementsOf(consumedOnA);
        } finally {
            ClientShutdown.shutdown(readerOnB, readerOnB::shutdown);
        }
    }

    private static DefaultMQPushConsumer consumer(String namesrv, String group, String sql, Set<String> into)
        throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamespace(NAMESPACE);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(group + "-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(1_000);
        consumer.subscribe(TOPIC, "*".equals(sql) ? MessageSelector.byTag("*") : MessageSelector.bySql(sql));
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> into.add(m.getMsgId()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    private static long committed(ClusterAdmin admin, List<MessageQueue> queues) throws Exception {
        long total = 0;
        for (MessageQueue queue : queues) {
            total += admin.committedOffset(STORED_GROUP, queue).orElse(0);
        }
        return total;
    }
}
