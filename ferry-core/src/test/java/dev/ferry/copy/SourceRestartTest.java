package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The source cluster is killed and restarted while Ferry runs: copying resumes from the committed offset. */
class SourceRestartTest {

    @Test
    void copyingResumesAfterTheSourceRestarts() throws Exception {
        try (ClusterProcess source = ClusterProcess.builder("restart-src").start();
             EmbeddedCluster target = EmbeddedCluster.builder("restart-dst").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(target)) {
            try (ClusterAdmin admin = ClusterAdmin.connect(TestConfigs.cluster("restart-src", source.namesrvAddr()));
                 TestMessages producer = new TestMessages(source.namesrvAddr())) {
                admin.ensureTopic("orders", 4);
                producer.send("orders", "restart", 0, 2_000, 4);
            }
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                    TestConfigs.cluster("restart-src", source.namesrvAddr()),
                    TestConfigs.cluster("restart-dst", target.namesrvAddr())),
                List.of(TestConfigs.oneWay("src-restart", "restart-src", "restart-dst", List.of("orders")))))) {
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).backlog() == 0);

                source.kill();
                source.restart();
                try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
                    producer.send("orders", "restart", 2_000, 2_000, 4);
                }
                await().atMost(Duration.ofMinutes(2)).until(() -> ferry.status().get(0).copied() >= 4_000
                    && ferry.status().get(0).backlog() == 0);
            }
            Map<String, Long> counts = TopicReader.readAll(target.namesrvAddr(), "orders", 4_000).stream()
                .collect(Collectors.groupingBy(m -> m.getUserProperty("seq"), Collectors.counting()));
            assertThat(counts).as("nothing lost").hasSize(4_000);
            // A killed broker may lose the last few seconds of committed offsets it had not flushed; what it
            // re-copies is bounded by that, never more than what was copied before the kill.
            long duplicates = counts.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("source restart: 4000 messages, %d duplicates%n", duplicates);
            assertThat(duplicates).isLessThanOrEqualTo(2_000);
        }
    }
}
