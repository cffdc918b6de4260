package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target cluster dies for 20 s under load and comes back: the backlog waits on the source with the
 * memory Ferry holds capped, then drains; nothing lost.
 */
class TargetOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(TargetOutageTest.class);

    @Test
    void backlogCatchesUpAfterTheTargetReturns() throws Exception {
        try (EmbeddedCluster source = EmbeddedCluster.builder("outage-src").start();
             ClusterProcess target = ClusterProcess.builder("outage-dst").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(source);
             TestMessages producer = new TestMessages(source.namesrvAddr())) {
            source.createTopic("orders", 4);
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                    TestConfigs.cluster("outage-src", source.namesrvAddr()),
                    TestConfigs.cluster("outage-dst", target.namesrvAddr())),
                List.of(TestConfigs.oneWay("outage", "outage-src", "outage-dst", List.of("orders")))),
                CopySettings.DEFAULT.withMaxInFlightMiB(1))) {
                producer.send("orders", "outage", 0, 2_000, 4);
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).copied() >= 2_000);

                target.kill();
                long downAt = System.nanoTime();
                long maxInFlight = 0;
                for (int second = 0; second < 20; second++) {
                    // 200 messages of 8 KiB a second: 32 MiB wait on the source by the end of the outage.
                    producer.send("orders", "outage", 2_000 + second * 200L, 200, 4, 8 * 1024);
                    maxInFlight = Math.max(maxInFlight, ferry.backups().get(0).links().get(0).inFlightBytes());
                    Thread.sleep(1_000);
                }
                // RocketMQ's pull flow control stops a queue once it holds more than its threshold in whole MiB
                // (at least 1 MiB), so a queue holds under threshold + 1 MiB, plus the one pull in flight (1 MiB
                // at most, Ferry's batch bytes).
                assertThat(maxInFlight).as("bytes held while the target is down")
                    .isPositive().isLessThanOrEqualTo(4L * 3 * 1024 * 1024);
                LinkStatus during = ferry.status().get(0);
                assertThat(during.state()).isIn(LinkState.UNREACHABLE, LinkState.RETRYING);
                assertThat(during.backlog()).isGreaterThanOrEqualTo(3_000);
                assertThat(during.copied()).isLessThan(2_500);

                target.restart();
                long backAt = System.nanoTime();
                await().atMost(Duration.ofMinutes(2)).until(() -> ferry.status().get(0).backlog() == 0);
                long catchUpMillis = (System.nanoTime() - backAt) / 1_000_000;
                LOG.info("target down {} s with a backlog of {}; caught up {} ms after it returned",
                    (backAt - downAt) / 1_000_000_000, during.backlog(), catchUpMillis);
                System.out.printf("target outage: backlog %d during the outage, at most %d bytes held in flight, caught up"
                    + " %d ms after the target returned%n", during.backlog(), maxInFlight, catchUpMillis);
                assertThat(ferry.status().get(0).state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
            }
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "orders", 6_000);
            Map<String, Long> counts = copies.stream()
                .collect(Collectors.groupingBy(m -> m.getUserProperty("seq"), Collectors.counting()));
            assertThat(counts).as("nothing lost").hasSize(6_000);
        }
    }
}
