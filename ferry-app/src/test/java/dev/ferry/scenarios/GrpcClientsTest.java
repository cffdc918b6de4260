package dev.ferry.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.EmbeddedProxy;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications on RocketMQ 5.x's gRPC client ({@code rocketmq-client-java}), each region behind its own
 * {@code rocketmq-proxy}, with Ferry copying a FIFO topic both ways between two regions that both use RocketMQ's
 * default names ({@code DefaultCluster}, {@code broker-a}, {@code broker-b}). Producers send with message groups
 * through their proxy; Ferry creates the topic in the other region as a FIFO topic, so the proxy there accepts it
 * and its consumers read it orderly; consumers pick with SQL-92 on {@code FERRY_ORIGIN} exactly the copies they want,
 * each message group in its order, with its group and its message ID as sent. A DELAY topic's timed messages are
 * copied once due, into a DELAY topic, and read in the other region as plain messages.
 */
// Alone: a proxy starting sets JVM-wide system properties (its NameServer, its client name) for a moment,
// which a client built meanwhile by another class would take as its own.
@Isolated
class GrpcClientsTest {

    private static final ClientServiceProvider CLIENTS = ClientServiceProvider.loadService();
    private static final String TOPIC = "fifo-orders";
    private static final String DELAYED = "reminders";
    /** Message groups per region, and messages per group. */
    private static final int GROUPS = 3;
    private static final int PER_GROUP = 10;

    @TempDir
    Path dir;

    @Test
    void fifoCopiesKeepTheirGroupAndOrderAndGrpcConsumersFilterOnTheirOrigin() throws Exception {
        EmbeddedCluster east = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        EmbeddedCluster west = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        EmbeddedProxy eastProxy = EmbeddedProxy.start(east);
        EmbeddedProxy westProxy = EmbeddedProxy.start(west);
        try (AutoCloseable stop = () -> closeInBackground(List.of(eastProxy, westProxy), east, west)) {
            east.createTopic(TOPIC, 2, Map.of("message.type", "FIFO"));
            east.createTopic(DELAYED, 1, Map.of("message.type", "DELAY"));
            FerryConfig config = ConfigLoader.load(Files.writeString(dir.resolve("ferry.yaml"), """
                clusters:
                  east: {namesrv: %s}
                  west: {namesrv: %s}
                backups:
                  - {name: fifo-aa, mode: two-way, source: east, target: west, topics: [%s]}
                  - {name: reminders-dr, mode: one-way, source: east, target: west, topics: [%s]}
                """.formatted(east.namesrvAddr(), west.namesrvAddr(), TOPIC, DELAYED)));
            try (Ferry ferry = Ferry.start(config)) {
                // Copying the east's first messages, Ferry creates the topic in the west as what it is in the east: a
                // FIFO topic, to which the west's proxy then lets its producers send with a message group.
                Map<String, String> sentInEast = send(eastProxy, "east");
                await().atMost(Duration.ofSeconds(60)).until(() -> west.messageCount(TOPIC) == GROUPS * PER_GROUP);
                assertThat(west.topicAttributes(TOPIC)).containsEntry("message.type", "FIFO");
                Map<String, String> sentInWest = send(westProxy, "west");
                await().atMost(Duration.ofSeconds(60)).until(() -> east.messageCount(TOPIC) == 2L * GROUPS * PER_GROUP
                    && west.messageCount(TOPIC) == 2L * GROUPS * PER_GROUP);

                // Stored copies keep the message group as RocketMQ stores it, and one group stays on one queue.
                List<MessageExt> copiesInWest = TopicReader.readAll(west.namesrvAddr(), TOPIC, 2 * GROUPS * PER_GROUP)
                    .stream().filter(m -> "east".equals(m.getProperty(FerryNames.ORIGIN))).toList();
                assertThat(copiesInWest).hasSize(GROUPS * PER_GROUP).allSatisfy(copy -> assertThat(copy.getProperty(
                    MessageConst.PROPERTY_SHARDING_KEY)).isEqualTo(body(copy).substring(0, body(copy).indexOf('/'))));
                assertThat(copiesInWest.stream().collect(Collectors.groupingBy(
                    m -> m.getProperty(MessageConst.PROPERTY_SHARDING_KEY),
                    Collectors.mapping(m -> m.getBrokerName() + "/" + m.getQueueId(), Collectors.toSet()))))
                    .hasSize(GROUPS).allSatisfy((group, queues) -> assertThat(queues).hasSize(1));

                // The west's applications, through the west's proxy, each with a FIFO consumer group of its own.
                createGroup(config, "west", "audit-east", true);
                createGroup(config, "west", "billing-west", true);
                assertReceivedInGroupOrder(receiveAll(westProxy, "audit-east", TOPIC, FerryNames.ORIGIN + " = 'east'",
                    GROUPS * PER_GROUP), sentInEast);
                assertReceivedInGroupOrder(receiveAll(westProxy, "billing-west", TOPIC, FerryNames.ORIGIN + " IS NULL",
                    GROUPS * PER_GROUP), sentInWest);
                // The other way, the east holds the west's messages once, as copies from the west.
                assertThat(TopicReader.readAll(east.namesrvAddr(), TOPIC, 2 * GROUPS * PER_GROUP).stream()
                    .filter(m -> "west".equals(m.getProperty(FerryNames.ORIGIN)))
                    .map(m -> m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)))
                    .containsExactlyInAnyOrderElementsOf(sentInWest.values());

                assertThat(ferry.status()).filteredOn(link -> link.backup().equals("fifo-aa")).hasSize(2)
                    .allSatisfy(link -> {
                        assertThat(link.copied()).isEqualTo(GROUPS * PER_GROUP);
                        assertThat(link.loopCheck()).isEqualTo("broker");
                    });

                // A DELAY topic: a gRPC producer's delayed messages are copied once due, into a DELAY topic Ferry
                // creates, and read in the west as plain messages of the east (not delayed again).
                Map<String, String> reminders = new LinkedHashMap<>();
                long dueAt = System.currentTimeMillis() + 3_000;
                try (Producer producer = CLIENTS.newProducerBuilder().setClientConfiguration(clientConfig(eastProxy))
                    .setTopics(DELAYED).build()) {
                    for (int i = 0; i < 5; i++) {
                        String body = "reminder/" + i;
                        reminders.put(body, producer.send(CLIENTS.newMessageBuilder().setTopic(DELAYED)
                            .setDeliveryTimestamp(dueAt).setBody(body.getBytes(StandardCharsets.UTF_8)).build())
                            .getMessageId().toString());
                    }
                }
                // Copied once due: the first copy creates the topic in the west.
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> west.messageCount(DELAYED) == reminders.size());
                createGroup(config, "west", "reminders-west", false);
                List<MessageView> remindersInWest = receiveAll(westProxy, "reminders-west", DELAYED,
                    FerryNames.ORIGIN + " = 'east'", reminders.size());
                assertThat(west.topicAttributes(DELAYED)).containsEntry("message.type", "DELAY");
                assertThat(remindersInWest).allSatisfy(view -> {
                    assertThat(view.getMessageId().toString()).isEqualTo(reminders.get(body(view)));
                    assertThat(view.getDeliveryTimestamp()).as("not delayed again").isEmpty();
                });
                assertThat(TopicReader.readAll(west.namesrvAddr(), DELAYED, reminders.size()))
                    .allSatisfy(copy -> assertThat(copy.getStoreTimestamp()).as("copied once due")
                        .isGreaterThanOrEqualTo(dueAt - 1_000));
            }
        }
    }

    /** Sends {@link #PER_GROUP} messages in each of {@link #GROUPS} message groups; returns body to message ID. */
    private static Map<String, String> send(EmbeddedProxy proxy, String region) throws Exception {
        Map<String, String> sent = new LinkedHashMap<>();
        try (Producer producer = CLIENTS.newProducerBuilder().setClientConfiguration(clientConfig(proxy))
            .setTopics(TOPIC).build()) {
            for (int i = 0; i < PER_GROUP; i++) {
                for (int g = 0; g < GROUPS; g++) {
                    String body = region + "-order-" + g + "/" + i;
                    sent.put(body, producer.send(CLIENTS.newMessageBuilder().setTopic(TOPIC)
                        .setMessageGroup(region + "-order-" + g).setKeys(body)
                        .setBody(body.getBytes(StandardCharsets.UTF_8)).build()).getMessageId().toString());
                }
            }
        }
        return sent;
    }

    /** Exactly the messages sent, each with its message ID and group, each group in the order it was sent. */
    private static void assertReceivedInGroupOrder(List<MessageView> received, Map<String, String> sent) {
        assertThat(received).extracting(GrpcClientsTest::body).containsExactlyInAnyOrderElementsOf(sent.keySet());
        assertThat(received).allSatisfy(view -> {
            assertThat(view.getMessageId().toString()).isEqualTo(sent.get(body(view)));
            assertThat(view.getMessageGroup()).contains(body(view).substring(0, body(view).indexOf('/')));
        });
        Map<String, List<String>> perGroup = received.stream().collect(Collectors.groupingBy(
            view -> view.getMessageGroup().orElseThrow(), LinkedHashMap::new,
            Collectors.mapping(GrpcClientsTest::body, Collectors.toList())));
        Map<String, List<String>> sentPerGroup = sent.keySet().stream().collect(Collectors.groupingBy(
            body -> body.substring(0, body.indexOf('/')), LinkedHashMap::new, Collectors.toList()));
        assertThat(perGroup).isEqualTo(sentPerGroup);
    }

    /**
     * Receives and acks until {@code expected} messages arrived, then checks that no more come: one more receive,
     * which waits a long poll at the proxy, finds nothing.
     */
    private static List<MessageView> receiveAll(EmbeddedProxy proxy, String group, String topic, String sql92,
                                                int expected) throws Exception {
        List<MessageView> received = new ArrayList<>();
        try (SimpleConsumer consumer = CLIENTS.newSimpleConsumerBuilder().setClientConfiguration(clientConfig(proxy))
            .setConsumerGroup(group).setAwaitDuration(Duration.ofSeconds(2))
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression(sql92, FilterExpressionType.SQL92)))
            .build()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (MessageView view : consumer.receive(16, Duration.ofSeconds(30))) {
                    received.add(view);
                    consumer.ack(view);
                }
                return received.size() >= expected;
            });
            assertThat(consumer.receive(16, Duration.ofSeconds(30))).as("nothing more for %s", sql92).isEmpty();
        }
        assertThat(received).hasSize(expected);
        return received;
    }

    /** A consumer group, as an operator creates one; a FIFO group consumes orderly ({@code updateSubGroup -o true}). */
    private static void createGroup(FerryConfig config, String cluster, String group, boolean fifo) throws Exception {
        try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster(cluster))) {
            admin.ensureGroup(group, fifo);
        }
    }

    private static ClientConfiguration clientConfig(EmbeddedProxy proxy) {
        return ClientConfiguration.newBuilder().setEndpoints(proxy.grpcEndpoint()).enableSsl(false)
            .setRequestTimeout(Duration.ofSeconds(10)).build();
    }

    private static void closeInBackground(List<EmbeddedProxy> proxies, EmbeddedCluster... clusters) {
        // A proxy takes about 10 s to close (its clients' fixed shutdown pauses): meanwhile the next test runs.
        Thread closer = new Thread(() -> {
            proxies.forEach(EmbeddedProxy::close);
            EmbeddedCluster.closeInBackground(clusters);
        }, "grpc-clients-test-close");
        closer.start();
    }

    private static String body(MessageExt message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    private static String body(MessageView view) {
        return StandardCharsets.UTF_8.decode(view.getBody().duplicate()).toString();
    }
}
