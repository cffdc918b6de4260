package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.CopySettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a link that keeps up says of itself: once every message is copied, no backlog and the heartbeat's delay,
 * though the source broker's committed offsets still trail (written every commitInterval, and with each pull
 * the offset before that pull's messages). Before, a trickle of messages read as a backlog of the last message
 * or two and a delay of the time between them.
 */
class KeepingUpStatusTest {

    private static final String TOPIC = "trickle";

    @Test
    void aLinkThatCopiedEverythingShowsNoBacklogBeforeItsOffsetsAreCommitted() throws Exception {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster source = regions.a();
        source.createTopic(TOPIC, 4);
        // Committed offsets are written only every 5 min here: the broker's count of what is copied trails.
        CopySettings rarelyCommitted = new CopySettings(128, 1024 * 1024, 64, Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(5), 8, 2);
        FerryConfig config = TestConfigs.oneWayAtoB("trickle-dr", source.namesrvAddr(), regions.b().namesrvAddr(),
            List.of(TOPIC)).withCopy(rarelyCommitted);
        try (Ferry ferry = Ferry.start(config); TestMessages producer = new TestMessages(source)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).heartbeats() > 0);
            for (int i = 0; i < 8; i++) {
                producer.send(TOPIC, "trickle", i, 1, 4);
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).copied() == 8);
            // The copier counts a batch a moment before it moves the queue's offset: allow that moment.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                LinkStatus status = ferry.status().get(0);
                assertThat(status.backlog()).isZero();
                assertThat(status.delayMillis()).isEqualTo(status.heartbeatDelayMillis());
            });
        }
    }
}
