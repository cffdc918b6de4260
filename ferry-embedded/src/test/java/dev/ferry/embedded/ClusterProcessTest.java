package dev.ferry.embedded;

import static dev.ferry.embedded.TestClients.consumer;
import static dev.ferry.embedded.TestClients.pollAtLeast;
import static dev.ferry.embedded.TestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

class ClusterProcessTest {

    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void comesBackAfterSigkillOnTheSameAddressesWithItsMessages() throws Exception {
        ClusterProcess cluster = ClusterProcess.builder("cpt-crash").start();
        DefaultMQProducer producer = null;
        try {
            String namesrvAddr = cluster.namesrvAddr();
            String brokerAddr = cluster.brokerAddr();
            long firstPid = cluster.pid();
            assertThat(cluster.isAlive()).isTrue();
            assertThat(cluster.logFile()).content().contains(EmbeddedClusterMain.READY);
            assertThat(cluster.storeDir().resolve("logs").resolve("broker.log")).isNotEmptyFile();
            assertThat(cluster.storeDir().resolve("home").resolve("logs")).doesNotExist();

            producer = producer(namesrvAddr, "crash-producer");
            producer.setRetryTimesWhenSendFailed(5);
            for (int i = 0; i < 50; i++) {
                Message message = new Message("crash", "before", "before-" + i, new byte[] {(byte) i});
                assertThat(producer.send(message).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }

            cluster.kill();
            assertThat(cluster.isAlive()).isFalse();
            assertThat(ProcessHandle.of(firstPid)).isEmpty();

            cluster.restart();
            assertThat(cluster.isAlive()).isTrue();
            assertThat(cluster.pid()).isNotEqualTo(firstPid);
            assertThat(cluster.namesrvAddr()).isEqualTo(namesrvAddr);
            assertThat(cluster.brokerAddr()).isEqualTo(brokerAddr);

            // The producer from before the crash reconnects by itself.
            Message after = new Message("crash", "after", "after", new byte[] {1});
            assertThat(producer.send(after).getSendStatus()).isEqualTo(SendStatus.SEND_OK);

            DefaultLitePullConsumer consumer =
                consumer(namesrvAddr, "crash-consumer", "crash", MessageSelector.byTag("*"));
            try {
                List<String> expected = IntStream.range(0, 50).mapToObj(i -> "before-" + i)
                    .collect(Collectors.toList());
                expected.add("after");
                List<MessageExt> received = pollAtLeast(consumer, expected.size(), RECEIVE_TIMEOUT);
                assertThat(received).extracting(MessageExt::getKeys).containsExactlyInAnyOrderElementsOf(expected);
            } finally {
                consumer.shutdown();
            }
        } finally {
            if (producer != null) {
                producer.shutdown();
            }
            long lastPid = cluster.pid();
            Path store = cluster.storeDir();
            cluster.close();
            assertThat(ProcessHandle.of(lastPid)).isEmpty();
            assertThat(store).doesNotExist();
        }
    }

    @Test
    void reportsAChildThatDiesWithTheTailOfItsLog() {
        assertThatThrownBy(() -> ClusterProcess.builder("cpt-doomed").heap("1m").start())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cluster process 'cpt-doomed': child JVM exited with code")
            .hasMessageContaining("last lines of")
            .hasMessageContaining("heap");
    }
}
