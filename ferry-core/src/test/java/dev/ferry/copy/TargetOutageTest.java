package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.CopySettings;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import dev.ferry.watch.Snapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before any traffic, heartbeats measure the link's delay end to end. Then the target cluster dies for 14 s
 * under load: the status turns unhealthy within 10 s, the backlog waits on the source with the memory Ferry holds
 * capped, and once the target is back it drains and the status is healthy again; nothing lost.
 */
class TargetOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(TargetOutageTest.class);

    @Test
    void heartbeatsShowTheOutageAndTheBacklogCatchesUpAfterTheTargetReturns() throws Exception {
        try (EmbeddedCluster source = EmbeddedCluster.builder("outage-src").start();
             ClusterProcess target = ClusterProcess.builder("outage-dst").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(source);
             TestMessages producer = new TestMessages(source.namesrvAddr())) {
            source.createTopic("orders", 4);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                    TestConfigs.cluster("outage-src", source.namesrvAddr()),
                    TestConfigs.cluster("outage-dst", target.namesrvAddr())),
                List.of(TestConfigs.oneWay("outage", "outage-src", "outage-dst", List.of("orders"))))
                .withCopy(CopySettings.DEFAULT.withMaxInFlightMiB(1)), registry)) {
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.snapshot().links().get(0).heartbeats() >= 3);
                LinkStatus quiet = ferry.snapshot().links().get(0);
                assertThat(quiet.state()).isEqualTo(LinkState.RUNNING);
                assertThat(quiet.copied()).as("heartbeats are not business messages").isZero();
                assertThat(quiet.received()).isZero();
                assertThat(quiet.backlog()).isZero();
                assertThat(quiet.heartbeatDelayMillis()).isNotNegative();
                assertThat(quiet.heartbeatAgeMillis()).isNotNegative().isLessThan(10_000);
                assertThat(quiet.delayMillis()).as("with no backlog, the delay is the heartbeat's")
                    .isEqualTo(quiet.heartbeatDelayMillis());
                assertThat(ferry.snapshot().healthy()).isTrue();
                assertThat(registry.get("ferry.copy.delay").timer().count()).isGreaterThanOrEqualTo(3);
                assertThat(registry.get("ferry.heartbeats.copied").functionCounter().count()).isGreaterThanOrEqualTo(3);
                assertThat(TopicReader.readAll(target.namesrvAddr(), "FERRY_HEARTBEAT", 3)).isNotEmpty()
                    .allSatisfy(copy -> {
                        assertThat(copy.getTags()).isEqualTo(quiet.group());
                        assertThat(copy.getUserProperty("FERRY_ORIGIN")).isEqualTo("outage-src");
                    });

                producer.send("orders", "outage", 0, 2_000, 4);
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).copied() >= 2_000);

                target.kill();
                long downAt = System.nanoTime();
                long unhealthyAfterMillis = -1;
                long maxInFlight = 0;
                for (int second = 0; second < 14; second++) {
                    // 240 messages of 8 KiB a second: 26 MiB wait on the source by the end of the outage, twice
                    // what Ferry may hold.
                    producer.send("orders", "outage", 2_000 + second * 240L, 240, 4, 8 * 1024);
                    maxInFlight = Math.max(maxInFlight, ferry.backups().get(0).links().get(0).inFlightBytes());
                    if (unhealthyAfterMillis < 0 && !ferry.snapshot().healthy()) {
                        unhealthyAfterMillis = (System.nanoTime() - downAt) / 1_000_000;
                    }
                    Thread.sleep(1_000); // pacing: a 14 s outage at 240 msg/s, not a wait for anything
                }
                assertThat(unhealthyAfterMillis).as("how long the status said healthy after the target was killed")
                    .isNotNegative().isLessThanOrEqualTo(10_000);
                Snapshot down = ferry.snapshot();
                assertThat(down.problems()).singleElement().asString().contains("outage: outage-src -> outage-dst");
                assertThat(down.clusters()).filteredOn(c -> c.name().equals("outage-dst")).singleElement()
                    .satisfies(c -> assertThat(c.reachable()).isFalse());
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
                System.out.printf("target outage: unhealthy after %d ms, backlog %d during the outage, at most %d bytes"
                    + " held in flight, caught up %d ms after the target returned%n", unhealthyAfterMillis,
                    during.backlog(), maxInFlight, catchUpMillis);
                // The heartbeat queue retries on its own backoff (up to copy.retryMaxDelay): it may say "retrying" a
                // few seconds longer than the topic's queues, which caught up.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    LinkStatus after = ferry.status().get(0);
                    assertThat(after.state()).as(after.reason()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
                });
                long beats = ferry.snapshot().links().get(0).heartbeats();
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.snapshot().healthy()
                    && ferry.snapshot().links().get(0).heartbeats() > beats);
                assertThat(ferry.snapshot().clusters()).extracting(Snapshot.ClusterView::reachable).containsOnly(true);
            }
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "orders", 5_360);
            Map<String, Long> counts = copies.stream()
                .collect(Collectors.groupingBy(m -> m.getUserProperty("seq"), Collectors.counting()));
            assertThat(counts).as("nothing lost").hasSize(5_360);
        }
    }
}
