package dev.ferry.embedded;

import static dev.ferry.embedded.TestClients.consumer;
import static dev.ferry.embedded.TestClients.pollAtLeast;
import static dev.ferry.embedded.TestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedClusterTest {

    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(20);

    private static EmbeddedCluster east;
    private static EmbeddedCluster west;

    @BeforeAll
    static void startClusters() {
        east = EmbeddedCluster.builder("ect-east").start();
        west = EmbeddedCluster.builder("ect-west").start();
    }

    /** Closing takes several seconds of RocketMQ's fixed pauses; the two clusters pause side by side. */
    @AfterAll
    static void stopClusters() {
        EmbeddedCluster.closeAll(east, west);
    }

    @Test
    void clustersRunSideBySideWithTheirOwnPortsStoresAndMessages() throws Exception {
        assertThat(east.namesrvAddr()).isNotEqualTo(west.namesrvAddr()).startsWith("127.0.0.1:");
        assertThat(east.brokerAddr()).isNotEqualTo(west.brokerAddr()).startsWith("127.0.0.1:");
        assertThat(east.storeDir()).isNotEqualTo(west.storeDir()).isDirectory();
        assertThat(east.brokerName()).isEqualTo("ect-east-broker-a");
        assertThat(east.clusterName()).isEqualTo("ect-east");

        // The same topic and group names on both clusters: each must see only its own message.
        for (EmbeddedCluster cluster : List.of(east, west)) {
            cluster.createTopic("side-by-side", 2);
            DefaultMQProducer producer = producer(cluster.namesrvAddr(), "side-producer");
            try {
                producer.send(new Message("side-by-side", cluster.clusterName().getBytes(StandardCharsets.UTF_8)));
            } finally {
                producer.shutdown();
            }
        }
        for (EmbeddedCluster cluster : List.of(east, west)) {
            DefaultLitePullConsumer consumer =
                consumer(cluster.namesrvAddr(), "side-consumer", "side-by-side", MessageSelector.byTag("*"));
            try {
                List<MessageExt> received = pollAtLeast(consumer, 1, RECEIVE_TIMEOUT);
                assertThat(received).extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                    .containsExactly(cluster.clusterName());
            } finally {
                consumer.shutdown();
            }
        }
    }

    @Test
    void messagesKeepTagsKeysAndPropertiesAndSqlSubscriptionsFilterThem() throws Exception {
        east.createTopic("orders", 8);
        DefaultMQProducer producer = producer(east.namesrvAddr(), "orders-producer");
        try {
            for (int i = 0; i < 100; i++) {
                Message message = new Message("orders", i % 2 == 0 ? "even" : "odd", "order-" + i,
                    ("body-" + i).getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("color", i % 4 == 0 ? "red" : "blue");
                message.putUserProperty("index", Integer.toString(i));
                SendResult result = producer.send(message);
                assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
        } finally {
            producer.shutdown();
        }

        DefaultLitePullConsumer all = consumer(east.namesrvAddr(), "orders-all", "orders", MessageSelector.byTag("*"));
        try {
            List<MessageExt> received = pollAtLeast(all, 100, RECEIVE_TIMEOUT);
            assertThat(received).hasSize(100);
            assertThat(received).extracting(MessageExt::getQueueId).containsOnly(0, 1, 2, 3, 4, 5, 6, 7);
            Map<String, MessageExt> byKey =
                received.stream().collect(Collectors.toMap(MessageExt::getKeys, Function.identity()));
            MessageExt seven = byKey.get("order-7");
            assertThat(seven.getTags()).isEqualTo("odd");
            assertThat(seven.getUserProperty("color")).isEqualTo("blue");
            assertThat(seven.getUserProperty("index")).isEqualTo("7");
            assertThat(new String(seven.getBody(), StandardCharsets.UTF_8)).isEqualTo("body-7");
        } finally {
            all.shutdown();
        }

        DefaultLitePullConsumer red = consumer(east.namesrvAddr(), "orders-red", "orders",
            MessageSelector.bySql("color = 'red' AND index >= 50"));
        try {
            List<String> expected = IntStream.iterate(52, i -> i < 100, i -> i + 4)
                .mapToObj(i -> "order-" + i).collect(Collectors.toList());
            List<MessageExt> received = pollAtLeast(red, expected.size(), RECEIVE_TIMEOUT);
            // Anything the filter wrongly let through would have arrived by now as well.
            received.addAll(red.poll(1000));
            assertThat(received).extracting(MessageExt::getKeys).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            red.shutdown();
        }
    }

    @Test
    void delayedMessageArrivesAfterItsDelay() throws Exception {
        east.createTopic("later", 1);
        DefaultLitePullConsumer consumer =
            consumer(east.namesrvAddr(), "later-consumer", "later", MessageSelector.byTag("*"));
        DefaultMQProducer producer = producer(east.namesrvAddr(), "later-producer");
        try {
            Message message = new Message("later", "one second".getBytes(StandardCharsets.UTF_8));
            message.setDelayTimeLevel(1);
            long sentAt = System.currentTimeMillis();
            producer.send(message);

            List<MessageExt> received = pollAtLeast(consumer, 1, RECEIVE_TIMEOUT);
            long receivedAt = System.currentTimeMillis();
            assertThat(received).hasSize(1);
            // Delay level 1 is 1 s; the broker's timers tick with 1 s precision or better.
            assertThat(receivedAt - sentAt).isGreaterThanOrEqualTo(900);
            assertThat(received.get(0).getStoreTimestamp() - received.get(0).getBornTimestamp())
                .isGreaterThanOrEqualTo(900);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    @Test
    void transactionalMessageArrivesOnlyWhenCommitted() throws Exception {
        east.createTopic("payments", 2);
        DefaultLitePullConsumer consumer =
            consumer(east.namesrvAddr(), "payments-consumer", "payments", MessageSelector.byTag("*"));
        TransactionMQProducer producer = new TransactionMQProducer("payments-producer");
        TestClients.configure(producer, east.namesrvAddr());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.valueOf(msg.getUserProperty("outcome"));
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.valueOf(msg.getUserProperty("outcome"));
            }
        });
        producer.start();
        try {
            for (LocalTransactionState outcome :
                List.of(LocalTransactionState.ROLLBACK_MESSAGE, LocalTransactionState.COMMIT_MESSAGE)) {
                Message message = new Message("payments", outcome.name().getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("outcome", outcome.name());
                TransactionSendResult result = producer.sendMessageInTransaction(message, null);
                assertThat(result.getLocalTransactionState()).isEqualTo(outcome);
            }

            List<MessageExt> received = pollAtLeast(consumer, 1, RECEIVE_TIMEOUT);
            received.addAll(consumer.poll(1000));
            assertThat(received).extracting(m -> m.getUserProperty("outcome"))
                .containsExactly(LocalTransactionState.COMMIT_MESSAGE.name());
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    @Test
    void builderSettingsReachTheBrokerAndCloseFreesPortsAndStore() throws Exception {
        EmbeddedCluster cluster = EmbeddedCluster.builder("ect-small")
            .maxMessageSize(4096)
            .commitLogFileSize(1024 * 1024)
            .autoCreateTopics(false)
            .brokerProperty("mappedFileSizeConsumeQueue", "60000")
            .start();
        Path store = cluster.storeDir();
        int namesrvPort = port(cluster.namesrvAddr());
        int brokerPort = port(cluster.brokerAddr());
        try {
            cluster.createTopic("small", 1);
            DefaultMQProducer producer = producer(cluster.namesrvAddr(), "small-producer");
            try {
                assertThat(producer.send(new Message("small", randomBytes(4000))).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
                // Random, so that the client's compression of bodies over 4 KiB cannot shrink it.
                assertThatThrownBy(() -> producer.send(new Message("small", randomBytes(8000))))
                    .isInstanceOf(MQBrokerException.class);
                assertThatThrownBy(() -> producer.send(new Message("never-created", new byte[1])))
                    .isInstanceOf(MQClientException.class)
                    .hasMessageContaining("No route info");
            } finally {
                producer.shutdown();
            }
            Path broker = cluster.brokerStoreDir(cluster.brokerName());
            assertThat(broker).startsWith(store);
            assertThat(broker.resolve("commitlog").resolve("00000000000000000000")).hasSize(1024 * 1024);
            assertThat(broker.resolve("consumequeue").resolve("small").resolve("0").resolve("00000000000000000000"))
                .hasSize(60_000);
        } finally {
            cluster.close();
        }
        cluster.close(); // a second close does nothing

        for (int port : new int[] {namesrvPort, brokerPort, brokerPort - 2}) {
            try (ServerSocket socket = new ServerSocket(port)) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(store).doesNotExist();
    }

    @Test
    void rocketMqLogsGoToTheLogRootNotToTheUserHome() {
        Path logDir = RocketMqLogging.logDir();
        assertThat(logDir).isEqualTo(Paths.get(System.getProperty("rocketmq.log.root")).toAbsolutePath());
        assertThat(logDir.resolve("broker.log")).isNotEmptyFile();
        assertThat(logDir.resolve("namesrv.log")).isNotEmptyFile();
        assertThat(logDir.resolve("store.log")).isNotEmptyFile();
        // RocketMQ's own config would have written to ${user.home}/logs/rocketmqlogs.
        assertThat(Paths.get(System.getProperty("user.home"), "logs")).doesNotExist();
        assertThat(Paths.get(System.getProperty("user.home"), "store")).doesNotExist();
    }

    @Test
    void builderRejectsBadSettingsWithClearMessages() {
        assertThatThrownBy(() -> EmbeddedCluster.builder("ect-bad").brokerProperty("noSuchSetting", "1"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("embedded cluster 'ect-bad'")
            .hasMessageContaining("unknown broker property 'noSuchSetting'");
        assertThatThrownBy(() -> EmbeddedCluster.builder("ect-bad").brokerProperty("autoCreateTopicEnable", "yes"))
            .hasMessageContaining("'yes' is not a valid boolean");
        assertThatThrownBy(() -> EmbeddedCluster.builder("ect-bad").brokerProperty("listenPort", "9876"))
            .hasMessageContaining("'listenPort' is set by the embedded cluster itself");
        assertThatThrownBy(() -> EmbeddedCluster.builder("bad name"))
            .hasMessageContaining("invalid cluster name 'bad name'");
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random(count).nextBytes(bytes);
        return bytes;
    }

    private static int port(String addr) {
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }
}
