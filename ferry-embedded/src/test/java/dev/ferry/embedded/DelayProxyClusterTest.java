package dev.ferry.embedded;

import static dev.ferry.embedded.TestClients.consumer;
import static dev.ferry.embedded.TestClients.pollAtLeast;
import static dev.ferry.embedded.TestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;

/** A cluster in a child JVM behind a delay proxy: clients given the proxied NameServer work across the delay. */
class DelayProxyClusterTest {

    @Test
    void clientsProduceAndConsumeThroughTheProxyWithTheDelayOn() throws Exception {
        try (ClusterProcess cluster = ClusterProcess.builder("dpc-far").heap("192m").behindDelayProxy().start()) {
            DelayProxy proxy = cluster.proxy();
            assertThat(proxy.delay()).isZero();
            assertThat(cluster.proxiedNamesrvAddr()).startsWith("127.0.0.2:").isNotEqualTo(cluster.namesrvAddr());

            // The NameServer gives out the broker's proxied address, whoever asks.
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr());
            admin.setInstanceName(TestClients.uniqueInstanceName());
            admin.start();
            try {
                BrokerData broker = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(cluster.brokerName());
                assertThat(broker.selectBrokerAddr()).isEqualTo(cluster.proxiedBrokerAddr());
            } finally {
                admin.shutdown();
            }

            proxy.delay(Duration.ofMillis(25));
            DefaultMQProducer producer = producer(cluster.proxiedNamesrvAddr(), "dpc-producer");
            DefaultLitePullConsumer consumer = null;
            try {
                for (int i = 0; i < 20; i++) {
                    long start = System.nanoTime();
                    Message message = new Message("far", "t", "k-" + i, new byte[] {(byte) i});
                    assertThat(producer.send(message).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a send crosses the round trip")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
                }
                consumer = consumer(cluster.proxiedNamesrvAddr(), "dpc-consumer", "far", MessageSelector.byTag("*"));
                List<MessageExt> received = pollAtLeast(consumer, 20, Duration.ofSeconds(60));
                assertThat(received).extracting(MessageExt::getKeys)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj(i -> "k-" + i).toList());
                assertThat(proxy.connections()).as("the clients' connections go through the proxy")
                    .isGreaterThanOrEqualTo(2);
            } finally {
                producer.shutdown();
                if (consumer != null) {
                    consumer.shutdown();
                }
            }
        }
    }
}
