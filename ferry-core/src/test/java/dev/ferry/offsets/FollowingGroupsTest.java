package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestConsumer;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Which groups Ferry moves on the target by itself: an idle one follows its checkpoint (and is created there),
 * one with a consumer online on the target is never touched; after the target topic is created again, the idle
 * one follows into the new topic, never to offsets of the old one.
 */
class FollowingGroupsTest {

    private static final String TOPIC = "invoices";

    @Test
    void anIdleGroupFollowsAndALiveOneIsNeverMoved() throws Exception {
        // The shared regions: this test copies its own topic, follows its own groups and stops no broker.
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster primary = regions.a();
        EmbeddedCluster standby = regions.b();
        primary.createTopic(TOPIC, 2);
        standby.createTopic("standby-only", 1);
        FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("a", primary.namesrvAddr()),
                TestConfigs.cluster("b", standby.namesrvAddr())),
            List.of(TestConfigs.oneWay("invoices-dr", "a", "b", List.of(TOPIC))));
        try (TestMessages producer = new TestMessages(primary.namesrvAddr())) {
            producer.send(TOPIC, "follow", 0, 1_000, 2);
        }
        // Both groups consume everything on the primary; "live" also runs on the standby (on another topic
        // there): it is live on the target.
        try (TestConsumer idleOnA = TestConsumer.start("idle", primary.namesrvAddr(), TOPIC);
             TestConsumer liveOnA = TestConsumer.start("live", primary.namesrvAddr(), TOPIC);
             TestConsumer liveOnB = TestConsumer.start("live", standby.namesrvAddr(), "standby-only");
             Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
             ClusterAdmin b = ClusterAdmin.connect(config.cluster("b"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> idleOnA.consumed().size() == 1_000
                && liveOnA.consumed().size() == 1_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> b.queues(TOPIC).size() == 2);
            List<MessageQueue> queues = b.queues(TOPIC);
            // The idle group follows to the end of what was copied: 500 per queue.
            await().atMost(Duration.ofSeconds(60)).until(() -> queues.stream()
                .allMatch(q -> committed(b, "idle", q) == 500));
            assertThat(b.groupConfig("idle")).as("created on the standby").isNotNull();
            // The live one has checkpoints like the idle one, but its offsets on the standby stay untouched
            // while the checkpoints go on (one a second).
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.checkpoints().stream()
                .anyMatch(c -> c.group().equals("live")));
            await("live's offsets on the standby stay untouched").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(30))
                .until(() -> queues.stream().allMatch(q -> committed(b, "live", q) == -1));

            // The target topic is deleted and created again while Ferry runs: its queues start at 0 again.
            // The checkpoints never point into the old topic (500 per queue): the idle group follows to the
            // end of what is copied into the new one, 50 per queue.
            standby.deleteTopic(TOPIC);
            standby.createTopic(TOPIC, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> queues.stream()
                .allMatch(q -> committed(b, "idle", q) <= 0));
            try (TestMessages producer = new TestMessages(primary.namesrvAddr())) {
                producer.send(TOPIC, "again", 1_000, 100, 2);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> idleOnA.consumed().size() == 1_100);
            await().atMost(Duration.ofSeconds(60)).until(() -> queues.stream()
                .allMatch(q -> committed(b, "idle", q) == 50));
            await("idle stays at the end of the new topic").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(30))
                .until(() -> queues.stream().allMatch(q -> committed(b, "idle", q) == 50));
        }
    }

    private static long committed(ClusterAdmin admin, String group, MessageQueue queue) {
        try {
            return admin.committedOffset(group, queue).orElse(-1);
        } catch (Exception e) {
            return -2;
        }
    }
}
