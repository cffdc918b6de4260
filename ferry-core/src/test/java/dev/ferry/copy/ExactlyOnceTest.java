package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once on real brokers where target queues are shared: the two peers of a two-way backup (each target
 * queue also holds the peer's own messages), and an aggregation of two units with RocketMQ's default names into a
 * center whose topic has fewer queues (each target queue holds copies of four source queues, two per unit, same
 * broker and queue names). A crash that lost the last commits is made exact: with Ferry stopped, the link groups'
 * committed offsets are moved back to the start, so every message copied so far is handed to Ferry again. Nothing
 * is copied twice, the count of skipped copies is exactly what was handed again, and what came since is copied.
 */
class ExactlyOnceTest {

    private static final ClusterPair REGIONS = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
    private static final int FIRST = 200;
    private static final int THEN = 100;

    @Test
    void twoWayPeersHandedEverythingAgainCopyNothingTwice() throws Exception {
        EmbeddedCluster a = REGIONS.a();
        EmbeddedCluster b = REGIONS.b();
        String topic = "eo-trades";
        a.createTopic(topic, 4);
        b.createTopic(topic, 4);
        FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("eo-A", a.namesrvAddr()),
            TestConfigs.cluster("eo-B", b.namesrvAddr())), List.of(TestConfigs.twoWay("eo-aa", "eo-A", "eo-B",
            List.of(topic))));
        List<String> inA = new ArrayList<>();
        List<String> inB = new ArrayList<>();

        inA.addAll(send(a, topic, "a1", 0, FIRST));
        inB.addAll(send(b, topic, "b1", 0, FIRST));
        copyAll(config, 2 * FIRST, a, b, topic);
        rewindToStart(config, "eo-A", FerryNames.linkGroup("eo-aa", "eo-B"), topic);
        rewindToStart(config, "eo-B", FerryNames.linkGroup("eo-aa", "eo-A"), topic);
        inA.addAll(send(a, topic, "a2", FIRST, THEN));
        inB.addAll(send(b, topic, "b2", FIRST, THEN));
        long skipped = copyAll(config, 2 * (FIRST + THEN), a, b, topic);

        List<String> everything = new ArrayList<>(inA);
        everything.addAll(inB);
        MessageIds.assertExactlyOnce(TopicReader.readAll(a.namesrvAddr(), topic, everything.size()), everything, "A");
        MessageIds.assertExactlyOnce(TopicReader.readAll(b.namesrvAddr(), topic, everything.size()), everything, "B");
        assertThat(skipped).as("each link was handed its %d first messages again", FIRST).isEqualTo(2L * FIRST);
    }

    @Test
    void twoUnitsWithTheSameNamesIntoFewerCenterQueuesCopyNothingTwice() throws Exception {
        EmbeddedCluster unit1 = REGIONS.a();
        EmbeddedCluster center = REGIONS.b();
        EmbeddedCluster unit2 = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").autoCreateTopics(false)
            .start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(unit2)) {
            String topic = "eo-ledger";
            unit1.createTopic(topic, 4);
            unit2.createTopic(topic, 4);
            center.createTopic(topic, 2);
            FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("eo-unit1", unit1.namesrvAddr()),
                    TestConfigs.cluster("eo-unit2", unit2.namesrvAddr()),
                    TestConfigs.cluster("eo-center", center.namesrvAddr())),
                List.of(TestConfigs.oneWay("eo-agg1", "eo-unit1", "eo-center", List.of(topic)),
                    TestConfigs.oneWay("eo-agg2", "eo-unit2", "eo-center", List.of(topic))));
            List<String> produced = new ArrayList<>();

            produced.addAll(send(unit1, topic, "u1-first", 0, FIRST));
            produced.addAll(send(unit2, topic, "u2-first", 0, FIRST));
            copyAll(config, 2 * FIRST, center, center, topic);
            rewindToStart(config, "eo-unit1", FerryNames.linkGroup("eo-agg1", "eo-center"), topic);
            rewindToStart(config, "eo-unit2", FerryNames.linkGroup("eo-agg2", "eo-center"), topic);
            produced.addAll(send(unit1, topic, "u1-then", FIRST, THEN));
            produced.addAll(send(unit2, topic, "u2-then", FIRST, THEN));
            long skipped = copyAll(config, 2 * (FIRST + THEN), center, center, topic);

            List<MessageExt> copies = TopicReader.readAll(center.namesrvAddr(), topic, produced.size());
            MessageIds.assertExactlyOnce(copies, produced, "center");
            assertThat(skipped).as("each link was handed its %d first messages again", FIRST).isEqualTo(2L * FIRST);
        }
    }

    private static List<String> send(EmbeddedCluster cluster, String topic, String run, long first, int count)
        throws Exception {
        try (TestMessages producer = new TestMessages(cluster.namesrvAddr())) {
            return producer.send(topic, run, first, count, 4);
        }
    }

    /**
     * Runs Ferry until {@code x} and {@code y} (the targets) hold {@code expected} messages of the topic each and
     * every link is caught up; returns how many messages its links skipped as copied already.
     */
    private static long copyAll(FerryConfig config, int expected, EmbeddedCluster x, EmbeddedCluster y, String topic)
        throws Exception {
        try (Ferry ferry = Ferry.start(config)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> x.messageCount(topic) >= expected
                && y.messageCount(topic) >= expected
                && ferry.status().stream().allMatch(link -> link.backlog() == 0));
            return ferry.status().stream().mapToLong(LinkStatus::skippedCopied).sum();
        }
    }

    /** As after a crash that lost every commit: the link group's committed offsets go back to each queue's start. */
    private static void rewindToStart(FerryConfig config, String source, String group, String topic) throws Exception {
        try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster(source))) {
            for (MessageQueue queue : admin.queues(topic)) {
                assertThat(admin.committedOffset(group, queue).orElse(0)).as("copied before").isPositive();
                admin.commitOffset(group, queue, 0);
            }
        }
    }
}
