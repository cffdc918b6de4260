package dev.ferry.embedded;

import static dev.ferry.embedded.TestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * What production regions look like: two clusters in one JVM, both named as RocketMQ names them by default
 * ({@code DefaultCluster} with {@code broker-a} and {@code broker-b}), each with its own NameServer, stores and
 * messages; one broker of one cluster goes down and comes back with what it held.
 */
class DefaultNamesTest {

    @Test
    void twoRegionsWithTheDefaultNamesKeepApartAndOneBrokerRestarts() throws Exception {
        EmbeddedCluster east = null;
        EmbeddedCluster west = null;
        try {
            east = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
            west = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
            assertThat(east.brokerNames()).containsExactly("broker-a", "broker-b");
            assertThat(east.brokerAddr("broker-b")).isNotEqualTo(west.brokerAddr("broker-b"));
            assertThat(east.storeDir()).isNotEqualTo(west.storeDir());

            east.createTopic("orders", 4);
            west.createTopic("orders", 2, List.of("broker-b"));
            Map<String, Long> sentTo = send(east, 40);
            assertThat(sentTo).containsOnlyKeys("broker-a", "broker-b");
            assertThat(east.messageCount("orders")).isEqualTo(40L);
            assertThat(east.messageCount("orders", "broker-b")).isEqualTo(sentTo.get("broker-b"));
            assertThat(send(west, 6)).containsOnlyKeys("broker-b");
            assertThat(west.messageCount("orders")).isEqualTo(6L);

            east.stopBroker("broker-b");
            assertThat(east.messageCount("orders")).as("only broker-a runs").isEqualTo(sentTo.get("broker-a"));
            assertThat(send(east, 10)).as("producers move to the broker still up").containsOnlyKeys("broker-a");
            east.startBroker("broker-b");
            assertThat(east.messageCount("orders", "broker-b")).as("kept across the restart")
                .isEqualTo(sentTo.get("broker-b"));
            assertThat(east.messageCount("orders")).isEqualTo(50L);
            EmbeddedCluster cluster = east;
            assertThatThrownBy(() -> cluster.stopBroker("broker-c")).hasMessageContaining("no broker named 'broker-c'");
        } finally {
            EmbeddedCluster.closeAll(east, west);
        }
    }

    @Test
    void brokerNamesAreCheckedWhereTheyAreGiven() {
        assertThatThrownBy(() -> EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-a"))
            .hasMessageContaining("broker names must be given, each once");
        assertThatThrownBy(() -> EmbeddedCluster.builder("DefaultCluster").brokers("broker a"))
            .hasMessageContaining("broker a");
    }

    /** Sends {@code count} messages round-robin; returns how many each broker took. */
    private static Map<String, Long> send(EmbeddedCluster cluster, int count) throws Exception {
        Map<String, Long> perBroker = new TreeMap<>();
        DefaultMQProducer producer = producer(cluster.namesrvAddr(), "default-names-producer");
        try {
            producer.setRetryTimesWhenSendFailed(4);
            for (int i = 0; i < count; i++) {
                SendResult result = producer.send(new Message("orders", ("m" + i).getBytes(StandardCharsets.UTF_8)));
                MessageQueue queue = result.getMessageQueue();
                perBroker.merge(queue.getBrokerName(), 1L, Long::sum);
            }
        } finally {
            producer.shutdown();
        }
        return perBroker;
    }
}
