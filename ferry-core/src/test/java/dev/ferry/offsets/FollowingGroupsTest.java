package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
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
        try (EmbeddedCluster primary = EmbeddedCluster.builder("follow-a").start();
             EmbeddedCluster standby = EmbeddedCluster.builder("follow-b").start();
             AutoCloseable both = () -> EmbeddedCluster.closeInBackground(primary, standby)) {
            primary.createTopic(TOPIC, 2);
            standby.createTopic("standby-only", 1);
            FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("a", primary.namesrvAddr()),
                    TestConfigs.cluster("b", standby.namesrvAddr())),
                List.of(TestConfigs.oneWay("invoices-dr", "a", "b", List.of(TOPIC))));
            try (TestMessages producer = new TestMessages(primary.namesrvAddr())) {
                producer.send(TOPIC, "follow", 0, 1_000, 2);
            }
            // Both groups consume everything on the primary.
            Set<String> idleSeen = ConcurrentHashMap.newKeySet();
            Set<String> liveSeen = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer idleOnA = consumer("idle", primary.namesrvAddr(), TOPIC, idleSeen);
            DefaultMQPushConsumer liveOnA = consumer("live", primary.namesrvAddr(), TOPIC, liveSeen);
            // "live" also runs on the standby (on another topic there): it is live on the target.
            DefaultMQPushConsumer liveOnB = consumer("live", standby.namesrvAddr(), "standby-only", ConcurrentHashMap.newKeySet());
            try (Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
                 ClusterAdmin b = ClusterAdmin.connect(config.cluster("b"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> idleSeen.size() == 1_000 && liveSeen.size() == 1_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> b.queues(TOPIC).size() == 2);
                List<MessageQueue> queues = b.queues(TOPIC);
                // The idle group follows to the end of what was copied: 500 per queue.
                await().atMost(Duration.ofSeconds(60)).until(() -> queues.stream()
                    .allMatch(q -> committed(b, "idle", q) == 500));
                assertThat(b.groupConfig("idle")).as("created on the standby").isNotNull();
                // The live one has checkpoints like the idle one, but its offsets on the standby stay untouched.
                await().atMost(Duration.ofSeconds(30)).until(() -> ferry.checkpoints().stream()
                    .anyMatch(c -> c.group().equals("live")));
                Thread.sleep(3_000);
                assertThat(queues).allSatisfy(q -> assertThat(committed(b, "live", q)).isEqualTo(-1));

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
                await().atMost(Duration.ofSeconds(60)).until(() -> idleSeen.size() == 1_100);
                await().atMost(Duration.ofSeconds(60)).until(() -> queues.stream()
                    .allMatch(q -> committed(b, "idle", q) == 50));
                Thread.sleep(3_000);
                assertThat(queues).allSatisfy(q -> assertThat(committed(b, "idle", q)).isEqualTo(50));
            } finally {
                idleOnA.shutdown();
                liveOnA.shutdown();
                liveOnB.shutdown();
            }
        }
    }

    private static long committed(ClusterAdmin admin, String group, MessageQueue queue) {
        try {
            return admin.committedOffset(group, queue).orElse(-1);
        } catch (Exception e) {
            return -2;
        }
    }

    private static DefaultMQPushConsumer consumer(String group, String namesrv, String topic, Set<String> seen)
        throws Exception {
        DefaultMQPushConsumer consumer = AppConsumer.of(group, namesrv, group + "-" + namesrv);
        consumer.setPersistConsumerOffsetInterval(1_000);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> seen.add(m.getMsgId()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }
}
