package dev.ferry.operate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer offset reset on a real cluster of two brokers with RocketMQ's default names, a queue on each.
 * Each queue holds, in this order: 50 local messages, then a late-copied backlog (30 copies produced a minute
 * before the reset time), 20 copies produced after it, and 10 more late copies: a reset to the time must land,
 * on every broker, on the first copy produced after it, not where the broker's store-time search puts it.
 */
class OffsetResetTest {

    private static final String TOPIC = "ledger";
    private static final String GROUP = "auditors";

    private static EmbeddedCluster cluster;
    private static ClusterAdmin admin;
    private static Instant resetTime;
    private static List<MessageQueue> queues;

    @BeforeAll
    static void fillTheTopic() throws Exception {
        // One region of a shared pair: the test resets its own group on its own topic.
        cluster = ClusterPair.shared(ClusterPair.Shape.TWO_BROKERS_EACH).a();
        cluster.createTopic(TOPIC, 1);
        admin = ClusterAdmin.connect(TestConfigs.cluster("reset", cluster.namesrvAddr()));
        queues = admin.queues(TOPIC);
        assertThat(queues).extracting(MessageQueue::getBrokerName).containsExactly("broker-a", "broker-b");
        try (TestMessages producer = new TestMessages(cluster.namesrvAddr())) {
            for (long seq = 0; seq < 50; seq++) {
                sendToEveryQueue(producer, TestMessages.message(TOPIC, "local", seq));
            }
            // Deliberate spacing, not a wait: store timestamps are in milliseconds, and the local messages must be
            // strictly before the reset time while the copies below carry origin times of their own.
            Thread.sleep(50);
            resetTime = Instant.now();
            Thread.sleep(50);
            sendCopies(producer, 50, 30, resetTime.toEpochMilli() - 60_000);
            sendCopies(producer, 80, 20, resetTime.toEpochMilli() + 1);
            sendCopies(producer, 100, 10, resetTime.toEpochMilli() - 30_000);
        }
    }

    private static void sendCopies(TestMessages producer, long first, int count, long originTime) throws Exception {
        for (long seq = first; seq < first + count; seq++) {
            Message copy = TestMessages.message(TOPIC, "copy", seq);
            copy.putUserProperty(FerryNames.ORIGIN, "primary");
            copy.putUserProperty(FerryNames.ORIGIN_TIME, Long.toString(originTime));
            sendToEveryQueue(producer, copy);
        }
    }

    private static void sendToEveryQueue(TestMessages producer, Message message) throws Exception {
        for (MessageQueue queue : queues) {
            producer.producer().send(message, queue);
        }
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void toATimeLandsOnTheFirstMessageProducedAtOrAfterItAtItsOrigin() throws Exception {
        for (MessageQueue queue : queues) {
            // The broker's own search by store time stops at the late copies...
            assertThat(admin.offsetAt(queue, resetTime.toEpochMilli())).isEqualTo(50);
        }
        // ...the reset steps over them, on each broker, to the first copy produced after the time.
        List<OffsetReset.Position> positions = OffsetReset.toTime(admin, GROUP, TOPIC, resetTime);
        assertThat(positions).hasSize(2).allSatisfy(p -> assertThat(p.target()).isEqualTo(80));

        OffsetReset.apply(admin, GROUP, positions);
        for (MessageQueue queue : queues) {
            assertThat(admin.committedOffset(GROUP, queue)).as(queue.toString()).hasValue(80);
        }
    }

    @Test
    void toTheEarliestAndTheLatest() throws Exception {
        OffsetReset.apply(admin, GROUP + "-ends", OffsetReset.toEarliest(admin, GROUP + "-ends", TOPIC));
        for (MessageQueue queue : queues) {
            assertThat(admin.committedOffset(GROUP + "-ends", queue)).hasValue(0);
        }
        List<OffsetReset.Position> latest = OffsetReset.toLatest(admin, GROUP + "-ends", TOPIC);
        assertThat(latest).hasSize(2).allSatisfy(p -> {
            assertThat(p.current()).isEqualTo(0);
            assertThat(p.target()).isEqualTo(110);
        });
        OffsetReset.apply(admin, GROUP + "-ends", latest);
        for (MessageQueue queue : queues) {
            assertThat(admin.committedOffset(GROUP + "-ends", queue)).hasValue(110);
        }
    }

    @Test
    void aLiveGroupIsResetThroughItsBrokerAndReadsAgainFromThere() throws Exception {
        String group = GROUP + "-live";
        List<String> received = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = AppConsumer.of(group, cluster.namesrvAddr(), group);
        consumer.setPersistConsumerOffsetInterval(500);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> received.add(m.getUserProperty("seq")));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            // The client's own clocks set the pace, not the broker: it commits offsets first 10 s after it
            // starts, and a consumer told to reset pauses 10 s before it pulls again. A minute leaves room on a
            // busy machine (where, before AppConsumer's heartbeat, pulls were refused for the first 30 s).
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 220
                && admin.committedOffset(group, queues.get(0)).orElse(-1) == 110
                && admin.committedOffset(group, queues.get(1)).orElse(-1) == 110);
            received.clear();
            // Written straight into the broker, the offset would be overwritten by the consumer's next commit;
            // through the broker the consumer itself is told to go back.
            OffsetReset.apply(admin, group, OffsetReset.toTime(admin, group, TOPIC, resetTime));
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 60);
            await("the group reads nothing more").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
                .until(() -> received.size() == 60);
        } finally {
            consumer.shutdown();
        }
        assertThat(received).as("read again from offset 80 on each broker: the copies produced after the time")
            .containsExactlyInAnyOrderElementsOf(LongStream.range(80, 110).mapToObj(Long::toString)
                .flatMap(seq -> Stream.of(seq, seq)).toList());
    }

    @Test
    void planningAloneChangesNothing() throws Exception {
        String group = GROUP + "-dry";
        OffsetReset.apply(admin, group, OffsetReset.toEarliest(admin, group, TOPIC));
        OffsetReset.toLatest(admin, group, TOPIC);
        OffsetReset.toTime(admin, group, TOPIC, resetTime);
        for (MessageQueue queue : queues) {
            assertThat(admin.committedOffset(group, queue)).hasValue(0);
        }
    }
}
