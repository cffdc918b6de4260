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

/** The target cluster dies for 20 s under load and comes back: the backlog waits, then drains; nothing lost. */
class TargetOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(TargetOutageTest.class);

    @Test
    void backlogCatchesUpAfterTheTargetReturns() throws Exception {
        try (EmbeddedCluster source = EmbeddedCluster.builder("outage-src").start();
             ClusterProcess target = ClusterProcess.builder("outage-dst").start();
             TestMessages producer = new TestMessages(source.namesrvAddr())) {
            source.createTopic("orders", 4);
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                    TestConfigs.cluster("outage-src", source.namesrvAddr()),
                    TestConfigs.cluster("outage-dst", target.namesrvAddr())),
                List.of(TestConfigs.oneWay("outage", "outage-src", "outage-dst", List.of("orders")))),
                CopySettings.DEFAULT)) {
                producer.send("orders", "outage", 0, 2_000, 4);
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).copied() >= 2_000);

                target.kill();
                long downAt = System.nanoTime();
                for (int second = 0; second < 20; second++) {
                    producer.send("orders", "outage", 2_000 + second * 200L, 200, 4);
                    Thread.sleep(1_000);
                }
                LinkStatus during = ferry.status().get(0);
                assertThat(during.state()).isEqualTo(LinkState.RETRYING);
                assertThat(during.backlog()).isGreaterThanOrEqualTo(3_000);
                assertThat(during.copied()).isLessThan(2_500);

                target.restart();
                long backAt = System.nanoTime();
                await().atMost(Duration.ofMinutes(2)).until(() -> ferry.status().get(0).backlog() == 0);
                long catchUpMillis = (System.nanoTime() - backAt) / 1_000_000;
                LOG.info("target down {} s with a backlog of {}; caught up {} ms after it returned",
                    (backAt - downAt) / 1_000_000_000, during.backlog(), catchUpMillis);
                System.out.printf("target outage: backlog %d during the outage, caught up %d ms after the target returned%n",
                    during.backlog(), catchUpMillis);
                assertThat(ferry.status().get(0).state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
            }
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "orders", 6_000);
            Map<String, Long> counts = copies.stream()
                .collect(Collectors.groupingBy(m -> m.getUserProperty("seq"), Collectors.counting()));
            assertThat(counts).as("nothing lost").hasSize(6_000);
        }
    }
}
