package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.operate.Failover;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The failover users hit, as a new user set it up: regions A and B both with RocketMQ's default names
 * ({@code DefaultCluster}, {@code broker-a}), topic auto-creation off, 8 queues, 800 messages of B's own first,
 * 20,000 copied A -> B, and group billing on A half-way through (about 1,250 of 2,500 per queue) when it stops.
 * Its checkpoint must exist, and a failover to B must lose nothing it had not consumed and re-read no more than
 * the checkpoint says. Before the fix of {@link OffsetSyncs}' retention no checkpoint was ever written.
 */
class GroupHalfBehindFailoverTest {

    private static final String TOPIC = "receipts";
    private static final String GROUP = "billing";
    private static final int QUEUES = 8;

    @Test
    void aGroupHalfATopicBehindFailsOverWithNothingLost() throws Exception {
        // The shared regions: this test copies and fails over its own topic and group, and stops no broker.
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster a = regions.a();
        EmbeddedCluster b = regions.b();
        a.createTopic(TOPIC, QUEUES);
        b.createTopic(TOPIC, QUEUES);
        try (TestMessages onB = new TestMessages(b.namesrvAddr())) {
            onB.send(TOPIC, "local-b", 0, 800, QUEUES);
        }
        List<String> produced;
        try (TestMessages onA = new TestMessages(a.namesrvAddr())) {
            produced = onA.send(TOPIC, "a", 0, 20_000, QUEUES);
        }
        FerryConfig config = TestConfigs.oneWayAtoB("receipts-dr", a.namesrvAddr(), b.namesrvAddr(),
            List.of(TOPIC));
        Set<String> polledOnA = consumeHalfAndCommit(a.namesrvAddr());
        // What a checkpoint can know of is what billing committed: the messages below its committed offsets.
        Map<Integer, Long> committedOnA = new TreeMap<>();
        try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("A"))) {
            for (int queue = 0; queue < QUEUES; queue++) {
                committedOnA.put(queue, admin.committedOffset(GROUP, new MessageQueue(TOPIC, "broker-a", queue))
                    .orElseThrow());
            }
        }
        Set<String> consumedOnA = new HashSet<>();
        for (MessageExt message : TopicReader.readAll(a.namesrvAddr(), TOPIC, 20_000)) {
            if (message.getQueueOffset() < committedOnA.get(message.getQueueId())) {
                consumedOnA.add(message.getMsgId());
            }
        }
        assertThat(polledOnA).containsAll(consumedOnA);

        List<Failover.Move> moves;
        try (Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
             ClusterAdmin admin = ClusterAdmin.connect(config.cluster("B"))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount(TOPIC) >= 20_800);
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.checkpoints().stream()
                .anyMatch(c -> c.group().equals(GROUP) && c.topic().equals(TOPIC)));
            // What `ferry failover` reads: the checkpoints stored in B.
            moves = await().atMost(Duration.ofSeconds(30)).until(() -> Failover.plan(admin, GROUP, "A", null),
                planned -> planned.size() == QUEUES);
            Failover.apply(admin, GROUP, moves);
        }
        long reReadAtMost = moves.stream().mapToLong(Failover.Move::reReadAtMost).sum();

        Set<String> notConsumed = new HashSet<>(produced);
        notConsumed.removeAll(consumedOnA);
        Set<String> consumedOnB = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> firstReadOnB = new ConcurrentSkipListMap<>();
        DefaultMQPushConsumer billing = AppConsumer.of(GROUP, b.namesrvAddr(), "billing-on-b");
        billing.subscribe(TOPIC, "*");
        billing.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> consumedOnB.add(m.getMsgId()));
            messages.forEach(m -> firstReadOnB.merge(m.getQueueId(), m.getQueueOffset(), Math::min));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        billing.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> consumedOnB.containsAll(notConsumed));
        } finally {
            billing.shutdown();
        }
        Set<String> reRead = new HashSet<>(consumedOnB);
        reRead.retainAll(consumedOnA);
        String detail = String.format("half-behind failover: %d produced on A, %d polled there, %d committed (per"
            + " queue %s), %d left, %d read on B after failover (first offsets %s), %d re-read (checkpoint: at most"
            + " %d; moves %s)", produced.size(), polledOnA.size(), consumedOnA.size(), committedOnA,
            notConsumed.size(), consumedOnB.size(), firstReadOnB, reRead.size(), reReadAtMost, moves);
        System.out.println(detail);
        // Copied twice or out of order, a message billing read on A would be read again on B beyond the bound.
        MessageIds.assertExactlyOnce(TopicReader.readAll(b.namesrvAddr(), TOPIC, 20_800).stream()
            .filter(m -> m.getProperty(FerryNames.ORIGIN) != null).toList(), produced, "B");
        assertThat((long) reRead.size()).as(detail).isLessThanOrEqualTo(reReadAtMost);
        assertThat(reRead.size()).as("billing resumes near where it stopped").isLessThan(consumedOnA.size() / 2);
    }

    /** billing reads about half of every queue, commits what it read and leaves, as in the report. */
    private static Set<String> consumeHalfAndCommit(String namesrv) throws Exception {
        Set<String> consumed = new HashSet<>();
        DefaultLitePullConsumer billing = new DefaultLitePullConsumer(GROUP);
        billing.setNamesrvAddr(namesrv);
        billing.setInstanceName("billing-on-a");
        billing.setAutoCommit(false);
        billing.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        billing.setPullBatchSize(16);
        billing.subscribe(TOPIC, "*");
        billing.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed.size() < 10_000 && System.nanoTime() < deadline) {
                for (MessageExt message : billing.poll(200)) {
                    consumed.add(message.getMsgId());
                }
            }
            billing.commit(billing.assignment(), true);
        } finally {
            billing.shutdown();
        }
        assertThat(consumed).hasSizeGreaterThanOrEqualTo(10_000);
        return consumed;
    }
}
