package dev.ferry.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A real 5.5 gRPC proxy in front of an embedded two-broker cluster, spoken to by the 5.x gRPC client. (Normal and
 * delayed messages, SQL-92 consumers and two regions' proxies side by side: dev.ferry.scenarios.GrpcClientsTest.)
 */
// Alone: a proxy starting sets JVM-wide system properties (its NameServer, its client name) for a moment,
// which a client built meanwhile by another class would take as its own.
@Isolated
class EmbeddedProxyTest {

    private static final ClientServiceProvider CLIENTS = ClientServiceProvider.loadService();
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(60);
    /** How long one receive waits at the proxy for a message (its long poll). */
    private static final Duration LONG_POLL = Duration.ofSeconds(2);

    private static EmbeddedCluster cluster;
    private static EmbeddedProxy proxy;

    @BeforeAll
    static void start() {
        cluster = EmbeddedCluster.builder("ept").brokers("broker-a", "broker-b").start();
        proxy = EmbeddedProxy.start(cluster);
    }

    @AfterAll
    static void stop() {
        // A proxy takes about 10 s to close: in the background, while the next class runs.
        new Thread(() -> {
            if (proxy != null) {
                proxy.close();
            }
            EmbeddedCluster.closeInBackground(cluster);
        }, "embedded-proxy-test-close").start();
    }

    @Test
    void fifoMessagesKeepTheirGroupAsShardingKeyAndArriveInOrder() throws Exception {
        String topic = "ept-fifo";
        cluster.createTopic(topic, 2, Map.of("message.type", "FIFO"));
        assertThat(cluster.topicAttributes(topic)).containsEntry("message.type", "FIFO");
        createGroup("ept-fifo-group", true);
        try (Producer producer = producer(topic)) {
            for (int i = 0; i < 8; i++) {
                String group = "order-" + (i % 2);
                var message = CLIENTS.newMessageBuilder().setTopic(topic).setMessageGroup(group)
                    .setBody((group + "/" + i).getBytes(StandardCharsets.UTF_8));
                if (i != 5) {
                    message.addProperty("region", "x");
                }
                producer.send(message.build());
            }
            // A message without a group is not FIFO: the client refuses it, told by the proxy's route which message
            // types the topic accepts (its message.type).
            Message normal = CLIENTS.newMessageBuilder().setTopic(topic).setBody(new byte[] {1}).build();
            assertThatThrownBy(() -> producer.send(normal)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acceptMessageTypes=[FIFO]");
        }

        List<MessageExt> stored = TopicReader.readAll(cluster, topic, 8);
        assertThat(stored).hasSize(8).allSatisfy(message -> assertThat(message.getProperty(
            MessageConst.PROPERTY_SHARDING_KEY)).isEqualTo(body(message).substring(0, "order-0".length())));
        // One message group, one queue.
        assertThat(stored.stream().collect(Collectors.groupingBy(m -> m.getProperty(MessageConst.PROPERTY_SHARDING_KEY),
            Collectors.mapping(m -> m.getBrokerName() + "/" + m.getQueueId(), Collectors.toSet()))))
            .allSatisfy((group, queues) -> assertThat(queues).hasSize(1));

        List<MessageView> received = receiveAll("ept-fifo-group", topic, "region = 'x'", 7);
        Map<String, MessageExt> storedByBody = byBody(stored);
        assertThat(received).allSatisfy(view -> assertThat(view.getMessageId().toString())
            .isEqualTo(MessageClientIDSetter.getUniqID(storedByBody.get(body(view)))));
        Map<String, List<String>> perGroup = received.stream().collect(Collectors.groupingBy(
            view -> view.getMessageGroup().orElseThrow(), Collectors.mapping(EmbeddedProxyTest::body,
                Collectors.toList())));
        assertThat(perGroup).containsOnly(
            Map.entry("order-0", List.of("order-0/0", "order-0/2", "order-0/4", "order-0/6")),
            Map.entry("order-1", List.of("order-1/1", "order-1/3", "order-1/7")));
    }

    /**
     * Receives and acks until {@code expected} messages arrived, then checks that no more come: one more receive,
     * which waits a long poll at the proxy, finds nothing.
     */
    private static List<MessageView> receiveAll(String group, String topic, String sql92, int expected)
        throws Exception {
        FilterExpression filter = new FilterExpression(sql92, FilterExpressionType.SQL92);
        List<MessageView> received = new ArrayList<>();
        try (SimpleConsumer consumer = CLIENTS.newSimpleConsumerBuilder().setClientConfiguration(clientConfig())
            .setConsumerGroup(group).setAwaitDuration(LONG_POLL).setSubscriptionExpressions(Map.of(topic, filter))
            .build()) {
            await().atMost(RECEIVE_TIMEOUT).until(() -> {
                for (MessageView view : consumer.receive(16, Duration.ofSeconds(30))) {
                    received.add(view);
                    consumer.ack(view);
                }
                return received.size() >= expected;
            });
            assertThat(consumer.receive(16, Duration.ofSeconds(30))).isEmpty();
        }
        assertThat(received).hasSize(expected);
        return received;
    }

    private static Producer producer(String topic) throws ClientException {
        return CLIENTS.newProducerBuilder().setClientConfiguration(clientConfig()).setTopics(topic).build();
    }

    private static ClientConfiguration clientConfig() {
        return clientConfig(proxy);
    }

    private static ClientConfiguration clientConfig(EmbeddedProxy to) {
        return ClientConfiguration.newBuilder().setEndpoints(to.grpcEndpoint()).enableSsl(false)
            .setRequestTimeout(Duration.ofSeconds(10)).build();
    }

    /** Creates the consumer group on both brokers; a FIFO group consumes orderly. */
    private static void createGroup(String group, boolean fifo) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName(TestClients.uniqueInstanceName());
        admin.start();
        try {
            SubscriptionGroupConfig config = new SubscriptionGroupConfig();
            config.setGroupName(group);
            config.setConsumeMessageOrderly(fifo);
            for (String broker : cluster.brokerNames()) {
                admin.createAndUpdateSubscriptionGroupConfig(cluster.brokerAddr(broker), config);
            }
        } finally {
            QuickShutdown.shutdown(admin, admin::shutdown);
        }
    }

    private static Map<String, MessageExt> byBody(List<MessageExt> messages) {
        return messages.stream().collect(Collectors.toMap(EmbeddedProxyTest::body, Function.identity()));
    }

    private static String body(MessageExt message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    private static String body(MessageView view) {
        return StandardCharsets.UTF_8.decode(view.getBody().duplicate()).toString();
    }
}
