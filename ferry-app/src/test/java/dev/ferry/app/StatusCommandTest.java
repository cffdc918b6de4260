package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry status}: from a running Ferry over HTTP, and from the source cluster when none runs. */
class StatusCommandTest {

    @TempDir
    Path dir;

    /** billing's checkpoint: group, backup, direction, topic, age in seconds, re-read at most (exact: 0). */
    private static final String CHECKPOINT_ROW = "billing\\s+orders-dr\\s+status-src -> status-dst\\s+orders\\s+\\d+\\s+0";

    @Test
    void showsStateCopiedBacklogAndDelayPerDirection() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedCluster source = EmbeddedCluster.builder("status-src").start();
             EmbeddedCluster target = EmbeddedCluster.builder("status-dst").start();
             AutoCloseable both = () -> EmbeddedCluster.closeInBackground(source, target)) {
            source.createTopic("orders", 2);
            Path file = dir.resolve("ferry.yaml");
            Files.writeString(file, """
                clusters:
                  status-src: {namesrv: "%s"}
                  status-dst: {namesrv: "%s"}
                backups:
                  - {name: orders-dr, source: status-src, target: status-dst, topics: [orders]}
                http:
                  listen: 127.0.0.1:%d
                """.formatted(source.namesrvAddr(), target.namesrvAddr(), port));
            produce(source.namesrvAddr(), 300);
            FerryConfig config = ConfigLoader.load(file);
            PrometheusMeterRegistry metrics = StatusServer.metrics();
            try (Ferry ferry = Ferry.start(config, metrics);
                 StatusServer server = StatusServer.start(config.http(), ferry, metrics)) {
                // The server answers from the sample it takes every second: wait on what it will say.
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.snapshot().links().get(0).backlog() == 0
                    && ferry.snapshot().links().get(0).copied() == 300);
                // billing consumed 100 of each queue on the source: its checkpoint appears, translated exactly.
                try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("status-src"))) {
                    Map<MessageQueue, Long> offsets = new HashMap<>();
                    admin.queues("orders").forEach(queue -> offsets.put(queue, 100L));
                    admin.moveGroup("billing", offsets);
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> !ferry.snapshot().checkpoints().isEmpty());
                CliTest.Outcome live = CliTest.run("status", "--config", file.toString());
                assertThat(live.code()).isZero();
                assertThat(live.out())
                    // delay: the newest heartbeat's, a few milliseconds
                    .containsPattern("orders-dr\\s+status-src -> status-dst\\s+running\\s+300\\s+0\\s+\\d+\\s+300")
                    .containsPattern(CHECKPOINT_ROW)
                    .contains("Ferry at http://127.0.0.1:" + port + "/ is healthy")
                    .containsPattern("status-src\\s+source\\s+\\S+\\s+yes")
                    .containsPattern("status-dst\\s+target\\s+\\S+\\s+yes");
            }
            produce(source.namesrvAddr(), 40);
            CliTest.Outcome stopped = CliTest.run("status", "--config", file.toString());
            assertThat(stopped.code()).isZero();
            assertThat(stopped.out()).contains("No Ferry answers")
                .containsPattern("orders-dr\\s+status-src -> status-dst\\s+not running\\s+-\\s+40\\s+\\d+")
                .as("checkpoints read from the target").containsPattern(CHECKPOINT_ROW);
        }
    }

    private static void produce(String namesrv, int count) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("status-test");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("status-test-" + System.nanoTime());
        producer.start();
        try {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                batch.add(new Message("orders", ("m" + i).getBytes(StandardCharsets.UTF_8)));
                if (batch.size() == 20) {
                    producer.send(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                producer.send(batch);
            }
        } finally {
            producer.shutdown();
        }
    }
}
