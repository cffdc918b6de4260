package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.operate.Failover;
import dev.ferry.operate.OffsetReset;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestConsumer;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * Disaster recovery with a real failure: the primary region runs as a child JVM and is killed with SIGKILL
 * while its application consumes and Ferry copies. The group's progress was kept on the standby by Ferry
 * (checkpoints, and the idle standby group's offsets moved along), so the standby application loses nothing
 * and re-reads little. The standby has fewer queues than the primary (two source queues share each target
 * queue), so the group resumes where neither source queue's copies are skipped.
 */
class DisasterRecoveryTest {

    private static final String TOPIC = "billing-events";
    private static final String GROUP = "billing";
    private static final int QUEUES = 4;
    /** One on each of the standby's two brokers. */
    private static final int STANDBY_QUEUES = 2;

    @Test
    void failoverAfterThePrimaryIsKilledLosesNothingAndReReadsLittle() throws Exception {
        // RocketMQ's default names in both regions; the standby has two brokers.
        try (ClusterProcess primary = ClusterProcess.builder("DefaultCluster").brokerName("broker-a").start();
             EmbeddedCluster standby = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
                 .start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(standby)) {
            FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("primary", primary.namesrvAddr()),
                    TestConfigs.cluster("standby", standby.namesrvAddr())),
                List.of(TestConfigs.oneWay("billing-dr", "primary", "standby", List.of(TOPIC))));
            try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("primary"))) {
                admin.ensureTopic(TOPIC, QUEUES);
            }
            // Fewer queues on the standby than on the primary: two source queues share each target queue.
            standby.createTopic(TOPIC, 1);

            long killedAt;
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
            // billing on the primary falls behind (it takes 3,000 messages, then hangs): when the primary dies it
            // has a backlog there.
            TestConsumer billing = TestConsumer.hangingAfter(3_000, GROUP, primary.namesrvAddr(), TOPIC);
            Set<String> consumedOnPrimary = billing.consumed();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread application = new Thread(() -> produce(primary.namesrvAddr(), acknowledged, producing));
            application.start();
            try {
                // About 1,000 msg/s while billing consumes and Ferry copies; the primary dies in the middle.
                await().atMost(Duration.ofSeconds(60)).until(() -> consumedOnPrimary.size() >= 3_000
                    && acknowledged.size() >= 5_000);
                // Status shows billing's checkpoint, fresh (every second).
                assertThat(ferry.checkpoints()).singleElement().satisfies(c -> {
                    assertThat(c.group()).isEqualTo(GROUP);
                    assertThat(c.topic()).isEqualTo(TOPIC);
                    assertThat(c.ageMillis()).isLessThan(10_000);
                });
                killedAt = System.currentTimeMillis();
                primary.kill();
            } finally {
                producing.set(false);
                application.join(30_000);
                billing.close();
            }
            // Ferry stays up (it would, in the standby region); the copies it acknowledged are on the standby.
            List<MessageExt> onStandby = TopicReader.readAll(standby.namesrvAddr(), TOPIC, 1);
            ferry.close();
            Set<String> copied = onStandby.stream().map(MessageExt::getMsgId).collect(Collectors.toSet());
            assertThat(copied).isNotEmpty();

            long checkpointed;
            long slack;
            try (ClusterAdmin standbyAdmin = ClusterAdmin.connect(config.cluster("standby"))) {
                List<Failover.Move> moves = Failover.plan(standbyAdmin, GROUP, "primary", null);
                checkpointed = moves.stream().mapToLong(Failover.Move::sourceCommitted).sum();
                slack = moves.stream().mapToLong(Failover.Move::reReadAtMost).sum();
                assertThat(moves).hasSize(STANDBY_QUEUES);
                // billing had no consumer on the standby: Ferry kept its offsets there at the latest checkpoint
                // already, so the standby application only has to start; failover confirms it.
                assertThat(moves).allSatisfy(move -> assertThat(move.current()).isEqualTo(move.resumeAt()));
                compareWithResetsByTime(standbyAdmin, onStandby, consumedOnPrimary, moves, killedAt);
                Failover.apply(standbyAdmin, GROUP, moves);
            }

            TestConsumer resumed = TestConsumer.start(GROUP, standby.namesrvAddr(), TOPIC);
            Set<String> consumedOnStandby = resumed.consumed();
            Set<String> notYetConsumed = new HashSet<>(copied);
            notYetConsumed.removeAll(consumedOnPrimary);
            assertThat(notYetConsumed).as("billing's backlog when the primary died").isNotEmpty();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> consumedOnStandby.containsAll(notYetConsumed));
                // What it re-reads arrives with the rest: counted once nothing more arrives.
                int settled = consumedOnStandby.size();
                await("billing on the standby reads nothing more").during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(30)).until(() -> consumedOnStandby.size() == settled);
            } finally {
                resumed.close();
            }

            Set<String> reRead = new HashSet<>(consumedOnStandby);
            reRead.retainAll(consumedOnPrimary);
            Set<String> lost = new HashSet<>(copied);
            lost.removeAll(consumedOnPrimary);
            lost.removeAll(consumedOnStandby);
            System.out.printf("DR failover: %d acknowledged by the primary, %d on the standby, %d consumed on the"
                    + " primary, %d left for the standby, %d consumed on the standby after failover, %d re-read, %d lost%n",
                acknowledged.size(), copied.size(), consumedOnPrimary.size(), notYetConsumed.size(),
                consumedOnStandby.size(), reRead.size(), lost.size());
            assertThat(lost).as("copied messages billing never consumed").isEmpty();
            // What billing re-reads is what it consumed on the primary after the commit the last checkpoint saw
            // (its own commit interval, the checkpoint interval, and what it consumed from its client-side
            // buffer after the primary died, which it could never commit), plus the translation's own slack.
            long consumedAfterCheckpoint = consumedOnPrimary.size() - checkpointed;
            System.out.printf("DR failover: checkpoint had %d committed on the primary; consumed after it %d;"
                + " translation slack %d%n", checkpointed, consumedAfterCheckpoint, slack);
            assertThat((long) reRead.size()).isLessThanOrEqualTo(consumedAfterCheckpoint + slack);
            assertThat(reRead.size()).isLessThan(consumedOnPrimary.size());
        }
    }

    /**
     * The table of docs/failover.md: where billing would resume on the standby with Ferry's translated
     * progress, and with a reset by time (the only other way to move progress across clusters), and what each
     * re-reads and loses, counted message by message from what is on the standby and what billing consumed.
     * Two times: the oldest message billing had not consumed (the best a time can do, but nobody knows it
     * once the primary is gone), and the failure minus a minute (what runbooks say).
     */
    private static void compareWithResetsByTime(ClusterAdmin standbyAdmin, List<MessageExt> onStandby,
                                                Set<String> consumedOnPrimary, List<Failover.Move> moves,
                                                long killedAt) throws Exception {
        Map<String, Long> ferry = new HashMap<>();
        moves.forEach(move -> ferry.put(move.queue().getBrokerName() + "/" + move.queue().getQueueId(),
            move.resumeAt()));
        long oldestUnconsumed = onStandby.stream().filter(m -> !consumedOnPrimary.contains(m.getMsgId()))
            .mapToLong(m -> Long.parseLong(m.getUserProperty(FerryNames.ORIGIN_TIME))).min().orElseThrow();
        Map<String, Map<String, Long>> ways = new LinkedHashMap<>();
        ways.put("Ferry failover (translated checkpoint)", ferry);
        ways.put("reset by time, to the oldest message not consumed (best case)",
            byTime(standbyAdmin, Instant.ofEpochMilli(oldestUnconsumed)));
        ways.put("reset by time, to the failure minus 1 min (usual runbook)",
            byTime(standbyAdmin, Instant.ofEpochMilli(killedAt - 60_000)));
        System.out.println("| way | re-read | lost |");
        System.out.println("|---|---:|---:|");
        Map<String, Long> reRead = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Long>> way : ways.entrySet()) {
            long again = 0;
            long lost = 0;
            for (MessageExt m : onStandby) {
                boolean read = m.getQueueOffset() >= way.getValue().get(m.getBrokerName() + "/" + m.getQueueId());
                boolean consumed = consumedOnPrimary.contains(m.getMsgId());
                again += read && consumed ? 1 : 0;
                lost += !read && !consumed ? 1 : 0;
            }
            System.out.printf("| %s | %,d | %,d |%n", way.getKey(), again, lost);
            assertThat(lost).as("lost by " + way.getKey()).isZero();
            reRead.put(way.getKey(), again);
        }
        List<Long> counts = List.copyOf(reRead.values());
        assertThat(counts.get(0)).as("Ferry re-reads less than the runbook's reset by time").isLessThan(counts.get(2));
    }

    private static Map<String, Long> byTime(ClusterAdmin standbyAdmin, Instant time) throws Exception {
        Map<String, Long> positions = new HashMap<>();
        for (OffsetReset.Position p : OffsetReset.toTime(standbyAdmin, GROUP, TOPIC, time)) {
            positions.put(p.queue().getBrokerName() + "/" + p.queue().getQueueId(), p.target());
        }
        return positions;
    }

    /** The primary's producing application: 100 messages every 100 ms until told to stop or the primary dies. */
    private static void produce(String namesrv, Set<String> acknowledged, AtomicBoolean producing) {
        try (TestMessages producer = new TestMessages(namesrv)) {
            for (long seq = 0; producing.get(); seq += 100) {
                acknowledged.addAll(producer.send(TOPIC, "dr", seq, 100, QUEUES));
                Thread.sleep(100); // pacing (about 1,000 msg/s), not waiting for anything
            }
        } catch (Exception primaryGone) {
            // the primary was killed: what it acknowledged is in `acknowledged`
        }
    }
}
