package dev.ferry.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.copy.CopySettings;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * With no business traffic at all, heartbeats measure the link's delay end to end; when the target is killed the
 * status turns unhealthy within 10 s, and healthy again once it is back.
 */
class HeartbeatTest {

    @Test
    void heartbeatsMeasureDelayWithoutTrafficAndAKilledTargetTurnsTheStatusUnhealthy() throws Exception {
        try (EmbeddedCluster source = EmbeddedCluster.builder("beat-src").start();
             ClusterProcess target = ClusterProcess.builder("beat-dst").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(source)) {
            source.createTopic("orders", 2);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                    TestConfigs.cluster("beat-src", source.namesrvAddr()),
                    TestConfigs.cluster("beat-dst", target.namesrvAddr())),
                List.of(TestConfigs.oneWay("quiet", "beat-src", "beat-dst", List.of("orders")))), CopySettings.DEFAULT,
                registry)) {

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

                List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "FERRY_HEARTBEAT", 3);
                assertThat(copies).isNotEmpty().allSatisfy(copy -> {
                    assertThat(copy.getTags()).isEqualTo(quiet.group());
                    assertThat(copy.getUserProperty("FERRY_ORIGIN")).isEqualTo("beat-src");
                });

                target.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> !ferry.snapshot().healthy());
                LinkStatus down = ferry.snapshot().links().get(0);
                assertThat(down.state()).isIn(LinkState.UNREACHABLE, LinkState.RETRYING);
                assertThat(down.reason()).containsAnyOf("does not answer", "connect to");
                assertThat(ferry.snapshot().problems()).singleElement().asString().contains("quiet: beat-src -> beat-dst");

                target.restart();
                long before = ferry.snapshot().links().get(0).heartbeats();
                await().atMost(Duration.ofMinutes(2)).until(() -> ferry.snapshot().healthy()
                    && ferry.snapshot().links().get(0).heartbeats() > before + 2);
                assertThat(ferry.snapshot().clusters()).extracting(Snapshot.ClusterView::reachable)
                    .containsOnly(true);
            }
        }
    }
}
