package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor's restart after a crash, as users run it: the source broker in a JVM of its own with RocketMQ's
 * default lock settings (its queue locks live 60 s: nothing in this test shortens them), 200,000 messages waiting,
 * Ferry SIGKILLed part way through the catch-up and started again 2 s later on the same host. The restarted
 * process copies again within seconds of being up (the brokers hand it the dead process's locks: same seat, same
 * client ID), reads what the dead one stored and had not committed, and the target ends with every message once.
 */
class CrashRestartTest {

    private static final String TOPIC = "ledger";
    private static final int QUEUES = 8;
    private static final int BACKLOG = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aProcessKilledDuringACatchUpIsBackInSecondsAndCopiesNothingTwice() throws Exception {
        EmbeddedCluster target = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH).b();
        target.createTopic(TOPIC, QUEUES);
        try (ClusterProcess source = ClusterProcess.builder("DefaultCluster").brokerName("broker-a").start()) {
            try (ClusterAdmin admin = ClusterAdmin.connect(TestConfigs.cluster("crash-src", source.namesrvAddr()))) {
                admin.ensureTopic(TOPIC, QUEUES);
            }
            List<String> produced;
            try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
                produced = producer.send(TOPIC, "crash", 0, BACKLOG, QUEUES);
            }
            Path config = Files.writeString(dir.resolve("crash.yaml"), """
                clusters:
                  crash-src: {namesrv: "%s"}
                  crash-dst: {namesrv: "%s"}
                backups:
                  - {name: crash, source: crash-src, target: crash-dst, topics: [%s]}
                http:
                  listen: 127.0.0.1:0
                """.formatted(source.namesrvAddr(), target.namesrvAddr(), TOPIC));

            try (FerryProcess ferry = FerryProcess.start(config, dir.resolve("crash.log"), false).awaitRunning();
                 ClusterAdmin sourceAdmin =
                     ClusterAdmin.connect(TestConfigs.cluster("crash-src", source.namesrvAddr()))) {
                // Killed once the source holds some of the link's progress (Ferry commits it every second), and
                // before the catch-up ends by Ferry's own count (the target's lags what it stored). Ferry copies the
                // backlog in two or three seconds; a kill at a count of copies fell before the first commit on a
                // fast hour, when 20,000 took a fifth of a second.
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> committed(sourceAdmin) > 0);
                long atKill = committed(sourceAdmin);
                ferry.kill();
                assertThat(atKill).as("killed during the catch-up: committed then").isLessThan(BACKLOG);

                // What a supervisor does: a moment, then the same command on the same host.
                Thread.sleep(2_000);
                long launched = System.nanoTime();
                ferry.restart();
                ferry.awaitRunning();
                long running = System.nanoTime();
                // Copying again: what it sends, and what it finds the dead process stored and does not send again.
                await().atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofMillis(100))
                    .until(() -> copied(ferry) + skippedCopied(ferry) > 0);
                long copying = System.nanoTime();
                System.out.printf("crash restart: killed at %d of %d committed; restarted process up after %d ms, copying"
                    + " again %d ms after it was up%n", atKill, BACKLOG, (running - launched) / 1_000_000,
                    (copying - running) / 1_000_000);
                assertThat(Duration.ofNanos(copying - running)).as("copying again after a restart on the same host,"
                    + " not after the dead process's locks expire (60 s); log:%n%s", ferry.log())
                    .isLessThanOrEqualTo(Duration.ofSeconds(10));

                await().atMost(Duration.ofMinutes(3)).until(() -> target.messageCount(TOPIC) >= BACKLOG);
                assertThat(ferry.terminate()).isZero();
                assertThat(ferry.log()).contains("not copied twice");
                // The dead process had committed its progress every second from its start (RocketMQ's client
                // starts committing 10 s in): the restarted one found less than the whole backlog left.
                Matcher held = Pattern.compile("it holds (\\d+) message\\(s\\) not yet copied").matcher(ferry.log());
                long heldAtRestart = -1;
                while (held.find()) {
                    heldAtRestart = Long.parseLong(held.group(1));
                }
                assertThat(heldAtRestart).as("left to copy when restarted").isBetween(0L, BACKLOG - 1L);
            }
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), TOPIC, BACKLOG);
            MessageIds.assertExactlyOnce(copies, produced, "target");
        }
    }

    /** What the source holds of the link's progress: the committed offsets of its group, over the topic's queues. */
    private static long committed(ClusterAdmin sourceAdmin) {
        try {
            return sourceAdmin.consumeStats(FerryNames.linkGroup("crash", "crash-dst"), TOPIC).getOffsetTable()
                .values().stream().mapToLong(offsets -> Math.max(0, offsets.getConsumerOffset())).sum();
        } catch (Exception groupNotThereYet) {
            return 0;
        }
    }

    private static long copied(FerryProcess ferry) throws Exception {
        return link(ferry).path("copied").asLong();
    }

    private static long skippedCopied(FerryProcess ferry) throws Exception {
        return link(ferry).path("skippedCopied").asLong();
    }

    private static JsonNode link(FerryProcess ferry) throws Exception {
        return JSON.readTree(ferry.status()).path("links").path(0);
    }
}
