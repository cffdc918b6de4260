package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestConsumer;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.junit.jupiter.api.Test;

/**
 * A consumer group's settings reach the target before its first checkpoint in every mode, here a two-way backup
 * (where Ferry does not move groups' offsets along): after a failover the group consumes as the applications know
 * it (orderly, with its own retries), not as RocketMQ's defaults would have it.
 */
class GroupSettingsTest {

    private static final String TOPIC = "settings-orders";
    private static final String GROUP = "settings-billing";

    @Test
    void aGroupIsCreatedOnTheTargetWithItsSourceSettingsBeforeItsFirstCheckpoint() throws Exception {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster a = regions.a();
        EmbeddedCluster b = regions.b();
        a.createTopic(TOPIC, 2);
        b.createTopic(TOPIC, 2);
        FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("A", a.namesrvAddr()),
                TestConfigs.cluster("B", b.namesrvAddr())),
            List.of(TestConfigs.twoWay("settings", "A", "B", List.of(TOPIC))));
        SubscriptionGroupConfig settings = new SubscriptionGroupConfig();
        settings.setGroupName(GROUP);
        settings.setConsumeMessageOrderly(true);
        settings.setRetryMaxTimes(3);
        try (ClusterAdmin onA = ClusterAdmin.connect(config.cluster("A"));
             ClusterAdmin onB = ClusterAdmin.connect(config.cluster("B"))) {
            onA.ensureGroupLike(settings);
            assertThat(onB.groupConfig(GROUP)).as("not on B before Ferry").isNull();
            try (TestMessages producer = new TestMessages(a.namesrvAddr());
                 TestConsumer billing = TestConsumer.start(GROUP, a.namesrvAddr(), TOPIC);
                 Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)))) {
                producer.send(TOPIC, "settings", 0, 100, 2);
                await().atMost(Duration.ofSeconds(60)).until(() -> billing.consumed().size() >= 100
                    && ferry.checkpoints().stream().anyMatch(c -> c.group().equals(GROUP)));
            }
            SubscriptionGroupConfig onTarget = onB.groupConfig(GROUP);
            assertThat(onTarget).as("created on B with A's settings").isNotNull();
            assertThat(onTarget.isConsumeMessageOrderly()).isTrue();
            assertThat(onTarget.getRetryMaxTimes()).isEqualTo(3);
        }
    }
}
