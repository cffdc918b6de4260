package dev.ferry.embedded;

import static dev.ferry.embedded.TestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * A RocketMQ 4.9.x cluster in a child JVM, used through the 5.5.0 remoting client Ferry is built on: topics
 * created by the 5.5.0 admin client, messages sent by its producer and read back whole, properties included.
 */
class Rocketmq4ClusterTest {

    private static final int MESSAGES = 40;

    @Test
    void twoBrokers_takeAndServeMessagesOfTheFiveFiveClient() throws Exception {
        Rocketmq4Cluster cluster = Rocketmq4Cluster.start("DefaultCluster", "broker-a", "broker-b");
        DefaultMQProducer producer = null;
        try {
            assertThat(cluster.brokerNames()).containsExactly("broker-a", "broker-b");
            assertThat(cluster.logFile()).content().contains(Rocketmq4Cluster.READY);
            assertThat(cluster.messageCount("orders")).as("no such topic yet").isZero();

            cluster.createTopic("orders", 4);
            producer = producer(cluster.namesrvAddr(), "r4-producer");
            Map<String, Integer> perBroker = new HashMap<>();
            for (int i = 0; i < MESSAGES; i++) {
                Message message = new Message("orders", "tag-" + (i % 2), "key-" + i,
                    ("body-" + i).getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("n", Integer.toString(i));
                SendResult result = producer.send(message);
                assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                perBroker.merge(result.getMessageQueue().getBrokerName(), 1, Integer::sum);
            }
            assertThat(perBroker).as("the producer spreads over both brokers").containsOnlyKeys("broker-a",
                "broker-b");
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.messageCount("orders") == MESSAGES);

            List<MessageExt> read = TopicReader.readAll(cluster.namesrvAddr(), "orders", MESSAGES);
            assertThat(read).hasSize(MESSAGES);
            Map<String, MessageExt> byKey = read.stream().collect(Collectors.toMap(MessageExt::getKeys, m -> m));
            for (int i = 0; i < MESSAGES; i++) {
                MessageExt message = byKey.get("key-" + i);
                assertThat(message).as("key-" + i).isNotNull();
                assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("body-" + i);
                assertThat(message.getTags()).isEqualTo("tag-" + (i % 2));
                assertThat(message.getUserProperty("n")).isEqualTo(Integer.toString(i));
            }

            List<MessageExt> odd = TopicReader.readMatching(cluster.namesrvAddr(), "orders", "n IN ('1', '3')", 2,
                Duration.ofMillis(500), Duration.ofSeconds(30));
            assertThat(odd).as("SQL-92 filtering is on").extracting(MessageExt::getKeys)
                .containsExactlyInAnyOrder("key-1", "key-3");

            Message unknown = new Message("no-such-topic", "x".getBytes(StandardCharsets.UTF_8));
            DefaultMQProducer sender = producer;
            assertThatThrownBy(() -> sender.send(unknown)).as("topics are not created by a send")
                .hasMessageContaining("No route info");
        } finally {
            if (producer != null) {
                QuickShutdown.shutdown(producer, producer::shutdown);
            }
            cluster.close();
        }
        assertThat(cluster.logFile()).exists();
        assertThatThrownBy(() -> cluster.createTopic("late", 1)).hasMessageContaining("closed");
    }
}
