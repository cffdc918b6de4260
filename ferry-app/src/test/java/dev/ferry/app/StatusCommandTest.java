package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.HeldQueues;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestMessages;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
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
        // The shared regions: this test copies its own topic and moves its own group.
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster source = regions.a();
        EmbeddedCluster target = regions.b();
        try (TestMessages producer = new TestMessages(source)) {
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
            producer.send("orders", "status", 0, 300, 2);
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
                    .containsPattern("status-dst\\s+target\\s+\\S+\\s+yes")
                    // this JVM's link consumer holds both queues, as the source reports its group's clients
                    .containsPattern("orders-dr\\s+status-src -> status-dst\\s+" + Pattern.quote(HeldQueues.THIS_PROCESS)
                        + "\\s+\\S+@ferry-orders-dr-to-status-dst-seat-\\d+\\s+2\\s+orders/\\S+/0,1")
                    .doesNotContain(GroupProcesses.NO_OWNER);
            }
            producer.send("orders", "status", 300, 40, 2);
            CliTest.Outcome stopped = CliTest.run("status", "--config", file.toString());
            assertThat(stopped.code()).isZero();
            assertThat(stopped.out()).contains("No Ferry answers")
                .containsPattern("orders-dr\\s+status-src -> status-dst\\s+not running\\s+-\\s+40\\s+\\d+")
                .as("checkpoints read from the target").containsPattern(CHECKPOINT_ROW)
                .as("no process holds the queues").containsPattern("orders-dr\\s+status-src -> status-dst\\s+"
                    + Pattern.quote(GroupProcesses.NO_OWNER) + "\\s+-\\s+2\\s+orders/\\S+/0,1");
        }
    }
}
