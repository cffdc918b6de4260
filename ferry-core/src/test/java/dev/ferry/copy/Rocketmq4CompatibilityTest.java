package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.QueueLayout;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.Rocketmq4Cluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.operate.Failover;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestConsumer;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ferry (a RocketMQ 5.5.0 client) with an Apache RocketMQ 4.9.x cluster at either end of a backup, one-way or
 * two-way: a 4.9.x cluster of two brokers in a child JVM ({@link Rocketmq4Cluster}), and a 5.5.0 cluster, the shared
 * one. Every message arrives once, with its body, tag, keys, user properties and Ferry's stamp; nothing loops; a
 * group's checkpoints land in either as target and a failover moves it there (docs/migrate-from-4x.md).
 */
class Rocketmq4CompatibilityTest {

    private static final int MESSAGES = 1_000;
    /** Per broker: the 4.9.x topic has twice as many queues, on two brokers. */
    private static final int QUEUES = 4;

    private static final String R4 = "r4-region";
    private static final String R5 = "r5-region";

    private static Rocketmq4Cluster old;
    private static EmbeddedCluster current;

    @BeforeAll
    static void startClusters() {
        old = Rocketmq4Cluster.start("DefaultCluster", "broker-a", "broker-b");
        current = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH).a();
    }

    @AfterAll
    static void stopOldCluster() {
        if (old != null) {
            old.close();
        }
    }

    /** The names of this class's clusters in Ferry's configuration: its own, as ClusterPair asks. */
    private static FerryConfig config(String backup, String source, String target, String topic) {
        return config(TestConfigs.oneWay(backup, source, target, List.of(topic)));
    }

    private static FerryConfig config(BackupConfig backup) {
        return TestConfigs.config(List.of(
            TestConfigs.cluster(R4, old.namesrvAddr(), Map.of("unit", "r4")),
            TestConfigs.cluster(R5, current.namesrvAddr(), Map.of("unit", "r5"))),
            List.of(backup));
    }

    @Test
    void copiesFromFourNineToFiveFive() throws Exception {
        String topic = "compat-4to5";
        old.createTopic(topic, QUEUES);
        List<String> ids = sendOneByOne(topic, "4to5", MESSAGES);
        assertThat(old.messageCount(topic)).isEqualTo(MESSAGES);
        List<MessageExt> sources = TopicReader.readAll(old.namesrvAddr(), topic, MESSAGES);

        FerryConfig config = config("compat-4to5", R4, R5, topic);
        copy(config);

        // The 4.9.x brokers do not tell one topic's config (351): Ferry reads it from their whole table (21).
        try (ClusterAdmin onOld = ClusterAdmin.connect(config.cluster(R4))) {
            assertThat(onOld.topicConfig(topic)).hasValueSatisfying(read -> {
                assertThat(read.getWriteQueueNums()).isEqualTo(QUEUES);
                assertThat(read.getPerm()).isEqualTo(PermName.PERM_READ | PermName.PERM_WRITE);
            });
        }

        List<MessageExt> copies = TopicReader.readAll(current.namesrvAddr(), topic, MESSAGES);
        MessageIds.assertExactlyOnce(copies, ids, "5.5/" + topic);
        assertCopiesOf(sources, copies, R4, "r4");
        assertOnlyKnownRequestsRefused();
    }

    @Test
    void copiesFromFiveFiveToFourNine() throws Exception {
        String topic = "compat-5to4";
        current.createTopic(topic, QUEUES);
        List<String> ids;
        try (TestMessages producer = new TestMessages(current.namesrvAddr())) {
            ids = producer.send(topic, "5to4", 0, MESSAGES, QUEUES);
        }
        List<MessageExt> sources = TopicReader.readAll(current.namesrvAddr(), topic, MESSAGES);

        copy(config("compat-5to4", R5, R4, topic));

        assertThat(old.messageCount(topic)).isEqualTo(MESSAGES);
        List<MessageExt> copies = TopicReader.readAll(old.namesrvAddr(), topic, MESSAGES);
        MessageIds.assertExactlyOnce(copies, ids, "4.9/" + topic);
        assertCopiesOf(sources, copies, R5, "r5");
        assertOnlyKnownRequestsRefused();
    }

    /**
     * A 4.9.x target topic Ferry created grows with its 5.5 source: 4.9.x brokers take the topic config Ferry sends
     * when the source gains queues, and every message, before and after, arrives once.
     */
    @Test
    void aTopicOnAFourNineTargetGrowsWithItsSource() throws Exception {
        String topic = "compat-grows";
        current.createTopic(topic, 2);
        FerryConfig config = config("compat-grows", R5, R4, topic);
        List<String> ids = new ArrayList<>();
        try (TestMessages producer = new TestMessages(current.namesrvAddr());
             Ferry ferry = Ferry.start(config);
             ClusterAdmin onOld = ClusterAdmin.connect(config.cluster(R4))) {
            ids.addAll(producer.send(topic, "before", 0, 40, 2));
            await().atMost(Duration.ofSeconds(60)).until(() -> old.messageCount(topic) >= 40);
            assertThat(writeQueues(onOld, topic)).as("created with the source's queues").isEqualTo(2);

            current.createTopic(topic, 6);
            ids.addAll(producer.send(topic, "after", 0, 120, 6));
            await().atMost(Duration.ofSeconds(90)).alias("grown: " + ferry.status())
                .until(() -> old.messageCount(topic) >= 160);
            assertThat(writeQueues(onOld, topic)).as("grown with the source").isEqualTo(6);
            assertThat(ferry.status().get(0).warnings()).isEmpty();
        }
        MessageIds.assertExactlyOnce(TopicReader.readAll(old.namesrvAddr(), topic, 160), ids, "4.9/" + topic);
        assertOnlyKnownRequestsRefused();
    }

    /**
     * A 4.9.x source's delay-level messages not yet due are counted, with when the first is due, as on 5.x: 4.9.x
     * answers the delay offsets, its broker config and a pull of its schedule topic alike.
     */
    @Test
    void delayedMessagesWaitingOnAFourNineSourceAreCountedWithTheirDueTime() throws Exception {
        String topic = "compat-delayed";
        old.createTopic(topic, 2);
        try (TestMessages producer = new TestMessages(old.namesrvAddr());
             Ferry ferry = Ferry.start(config("compat-delayed", R4, R5, topic))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).pendingDelayed() >= 0);
            assertThat(ferry.status().get(0).pendingDelayed()).as("no other delayed message in this cluster").isZero();
            Message delayed = TestMessages.message(topic, "delayed", 0);
            delayed.setDelayTimeLevel(3); // 10 s
            long sentAt = System.currentTimeMillis();
            producer.sendOne(delayed);
            long storedBy = System.currentTimeMillis();

            await().atMost(Duration.ofSeconds(9)).until(() -> ferry.status().get(0).pendingDelayed() == 1);
            assertThat(ferry.status().get(0).pendingDelayedDue()).as("its store time and level 3's 10 s")
                .isBetween(sentAt + 10_000, storedBy + 10_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() == 1
                && ferry.status().get(0).pendingDelayed() == 0);
            assertThat(ferry.status().get(0).pendingDelayedDue()).isEqualTo(-1);
        }
        assertOnlyKnownRequestsRefused();
    }

    private static int writeQueues(ClusterAdmin admin, String topic) throws Exception {
        return admin.queueLayout(topic).values().stream().mapToInt(QueueLayout.Queues::write).sum();
    }

    /**
     * Two-way between 4.9.x and 5.5: both regions produce while Ferry copies both ways; each ends with its own messages
     * and the peer's copies, each once, and nothing comes back. SQL-92 on FERRY_ORIGIN tells them apart on either side.
     */
    @Test
    void twoWayBetweenFourNineAndFiveFiveEachMessageOnceNoLoop() throws Exception {
        String topic = "compat-2way";
        int perRegion = 500;
        old.createTopic(topic, QUEUES);
        current.createTopic(topic, QUEUES);
        FerryConfig config = config(TestConfigs.twoWay("compat-aa", R4, R5, List.of(topic)));

        List<String> oldIds;
        List<String> currentIds;
        try (Ferry ferry = Ferry.start(config)) {
            CompletableFuture<List<String>> inOld = CompletableFuture.supplyAsync(() -> sendOneByOne(topic, "r4", perRegion));
            CompletableFuture<List<String>> inCurrent = CompletableFuture.supplyAsync(() -> {
                try (TestMessages producer = new TestMessages(current.namesrvAddr())) {
                    List<String> ids = new ArrayList<>();
                    for (int first = 0; first < perRegion; first += 125) { // slices, interleaved with copies
                        ids.addAll(producer.send(topic, "r5", first, 125, QUEUES));
                    }
                    return ids;
                } catch (Exception e) {
                    throw new IllegalStateException("producing in 5.5 failed", e);
                }
            });
            oldIds = inOld.join();
            currentIds = inCurrent.join();

            await().atMost(Duration.ofMinutes(2)).alias("both regions hold both: " + ferry.status()).until(() ->
                old.messageCount(topic) >= 2L * perRegion && current.messageCount(topic) >= 2L * perRegion);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().stream().allMatch(l -> l.backlog() == 0));
            await("nothing loops").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(() ->
                old.messageCount(topic) == 2L * perRegion && current.messageCount(topic) == 2L * perRegion);

            Map<String, LinkStatus> bySource = ferry.status().stream()
                .collect(Collectors.toMap(LinkStatus::source, l -> l));
            System.out.printf("two-way 4.9/5.5: %s%n", bySource);
            for (LinkStatus link : bySource.values()) {
                assertThat(link.copied()).as(link.source() + " -> " + link.target()).isEqualTo(perRegion);
                assertThat(link.deadLettered()).isZero();
            }
            // 5.5 evaluates the whole loop check (FERRY_PATH with CONTAINS, STARTSWITH, ENDSWITH).
            assertThat(bySource.get(R5).loopCheck()).isEqualTo("broker");
            assertThat(bySource.get(R5).skippedLoop()).isZero();
            // 4.9.x has SQL-92 without them: its brokers pass over the copies whose FERRY_PATH is 5.5 alone, which in
            // two-way is every copy; Ferry pulled none of them.
            LinkStatus fromOld = bySource.get(R4);
            assertThat(fromOld.loopCheck()).isEqualTo("broker");
            assertThat(fromOld.skippedLoop()).isZero();
            assertThat(fromOld.received()).isEqualTo(perRegion);
        }

        checkRegion(old.namesrvAddr(), "4.9", topic, R5, oldIds, currentIds, 2 * perRegion);
        checkRegion(current.namesrvAddr(), "5.5", topic, R4, currentIds, oldIds, 2 * perRegion);
        assertOnlyKnownRequestsRefused();
    }

    /**
     * Disaster recovery from a 4.9.x primary to a 5.5 standby: billing consumes part of the topic on 4.9.x and
     * commits; Ferry copies and writes checkpoints into 5.5; the 4.9.x cluster is then taken as lost (Ferry stopped,
     * nothing read from it any more), billing's progress is moved on 5.5 with the failover plan, and billing resumes
     * there: it loses nothing and re-reads no more than the plan says.
     */
    @Test
    void checkpointsFromFourNineFailOverToFiveFive() throws Exception {
        String topic = "compat-dr-4to5";
        String group = "billing";
        old.createTopic(topic, QUEUES);
        current.createTopic(topic, 2 * QUEUES); // as many queues as the two 4.9.x brokers have together
        List<String> ids = sendOneByOne(topic, "dr", MESSAGES);

        TestConsumer billing = TestConsumer.hangingAfter(MESSAGES / 2, group, old.namesrvAddr(), topic);
        Set<String> consumedOnOld = billing.consumed();
        FerryConfig config = config(TestConfigs.syncing(TestConfigs.oneWay("compat-dr", R4, R5, List.of(topic)),
            List.of(group))).withCheckpointInterval(Duration.ofSeconds(1));
        long checkpointed;
        List<Failover.Move> moves;
        try (ClusterAdmin oldAdmin = ClusterAdmin.connect(config.cluster(R4));
             ClusterAdmin currentAdmin = ClusterAdmin.connect(config.cluster(R5))) {
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofMinutes(2)).alias("copied: " + ferry.status())
                    .until(() -> ferry.status().get(0).copied() >= MESSAGES);
                await().atMost(Duration.ofSeconds(60)).until(() -> consumedOnOld.size() >= MESSAGES / 2);
                // billing's commits have settled (it holds the rest) and the newest checkpoint on 5.5 has them.
                long[] settled = {-1};
                await("billing's commits on 4.9.x settle").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        long now = committed(oldAdmin, group, topic);
                        boolean same = now == settled[0];
                        settled[0] = now;
                        return same;
                    });
                await("the checkpoint on 5.5 has billing's commits").atMost(Duration.ofSeconds(30)).until(() ->
                    Failover.plan(currentAdmin, group, R4, topic).stream().mapToLong(Failover.Move::sourceCommitted)
                        .sum() == settled[0]);
                assertThat(ferry.checkpoints()).anySatisfy(c -> {
                    assertThat(c.group()).isEqualTo(group);
                    assertThat(c.topic()).isEqualTo(topic);
                    assertThat(c.target()).isEqualTo(R5);
                });
                assertThat(ferry.status().get(0).copied()).isEqualTo(MESSAGES);
            }
            // 4.9.x is lost from here on: only 5.5 is read and written.
            billing.close();
            moves = Failover.plan(currentAdmin, group, R4, topic);
            checkpointed = moves.stream().mapToLong(Failover.Move::sourceCommitted).sum();
            System.out.printf("failover 4.9 -> 5.5: %s%n", moves);
            assertThat(moves).hasSize(2 * QUEUES);
            Failover.apply(currentAdmin, group, moves);
            for (Failover.Move move : moves) {
                assertThat(currentAdmin.committedOffset(group, move.queue()).orElse(-1)).isEqualTo(move.resumeAt());
            }
        }
        long promised = moves.stream().mapToLong(Failover.Move::reReadAtMost).sum();

        Set<String> left = new HashSet<>(ids);
        left.removeAll(consumedOnOld);
        TestConsumer resumed = TestConsumer.start(group, current.namesrvAddr(), topic);
        Set<String> consumedOnNew = resumed.consumed();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> consumedOnNew.containsAll(left));
            int settled = consumedOnNew.size();
            await("billing on 5.5 reads nothing more").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> consumedOnNew.size() == settled);
        } finally {
            resumed.close();
        }
        Set<String> reRead = new HashSet<>(consumedOnNew);
        reRead.retainAll(consumedOnOld);
        long consumedAfterCheckpoint = consumedOnOld.size() - checkpointed;
        System.out.printf("failover 4.9 -> 5.5: %d messages, %d consumed on 4.9.x (%d committed in the checkpoint),"
                + " %d left, %d consumed on 5.5, %d re-read (the plan: at most %d + %d consumed past the commits)%n",
            ids.size(), consumedOnOld.size(), checkpointed, left.size(), consumedOnNew.size(), reRead.size(), promised,
            consumedAfterCheckpoint);
        assertThat(consumedOnNew).containsAll(left);
        assertThat((long) reRead.size()).isLessThanOrEqualTo(promised + consumedAfterCheckpoint);
        assertOnlyKnownRequestsRefused();
    }

    /**
     * The other way: a 5.5 source, a 4.9.x target. Ferry writes its checkpoints into the 4.9.x cluster (its
     * FERRY_CHECKPOINTS topic), keeps the idle group's offsets there at them, and the failover plan reads them back
     * and sets them.
     */
    @Test
    void checkpointsFromFiveFiveAreKeptOnFourNine() throws Exception {
        String topic = "compat-dr-5to4";
        String group = "billing-r";
        int messages = 1_000;
        current.createTopic(topic, QUEUES);
        old.createTopic(topic, QUEUES / 2); // 2 queues on each of the two brokers: as many as the source
        try (TestMessages producer = new TestMessages(current.namesrvAddr())) {
            producer.send(topic, "dr-r", 0, messages, QUEUES);
        }
        try (TestConsumer billing = TestConsumer.start(group, current.namesrvAddr(), topic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> billing.consumed().size() >= messages);
            billing.awaitCommittedToTheEnd(Duration.ofSeconds(30));
        }
        FerryConfig config = config(TestConfigs.syncing(TestConfigs.oneWay("compat-dr-r", R5, R4, List.of(topic)),
            List.of(group))).withCheckpointInterval(Duration.ofSeconds(1));
        try (ClusterAdmin oldAdmin = ClusterAdmin.connect(config.cluster(R4))) {
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofMinutes(2)).alias("copied: " + ferry.status())
                    .until(() -> ferry.status().get(0).copied() >= messages);
                // billing committed its end before Ferry started, so a checkpoint written while the copy was under
                // way already covers all of its progress, translated only as far as the copies had gone: wait for one
                // that places it at the end on 4.9.x.
                await("a checkpoint of all of billing's progress on 4.9.x").atMost(Duration.ofSeconds(60)).until(() ->
                    Failover.plan(oldAdmin, group, R5, topic).stream().mapToLong(Failover.Move::resumeAt)
                        .sum() == messages);
                // The group follows by itself: Ferry keeps its offsets on 4.9.x at the checkpoint.
                await("billing's offsets on 4.9.x at the checkpoint").atMost(Duration.ofSeconds(30)).until(() ->
                    Failover.plan(oldAdmin, group, R5, topic).stream().allMatch(m -> m.current() == m.resumeAt()));
            }
            List<Failover.Move> moves = Failover.plan(oldAdmin, group, R5, topic);
            System.out.printf("failover 5.5 -> 4.9: %s%n", moves);
            assertThat(moves).hasSize(QUEUES);
            Failover.apply(oldAdmin, group, moves);
            long resumeSum = 0;
            for (Failover.Move move : moves) {
                assertThat(oldAdmin.committedOffset(group, move.queue()).orElse(-1)).isEqualTo(move.resumeAt());
                assertThat(move.resumeAt()).isEqualTo(oldAdmin.maxOffset(move.queue()));
                resumeSum += move.resumeAt();
            }
            assertThat(resumeSum).as("billing read everything: it resumes at the end on 4.9.x").isEqualTo(messages);
        }
        assertOnlyKnownRequestsRefused();
    }

    /**
     * What Ferry asks that 4.9.x does not know, each handled: GET_TOPIC_CONFIG (351; a 4.9.x source's topic config is
     * not learnt, so its copy on the target is a plain topic, and ClusterAdmin.consumeStats asks broker by broker),
     * GET_TIMER_CHECK_POINT (60, asked before the count below so that the first timer's due time is right) and
     * GET_TIMER_METRICS (61): no timer wheel, no pending timer count or due time. A new 5.x-only request shows up here
     * first.
     */
    private static void assertOnlyKnownRequestsRefused() {
        assertThat(old.unsupportedRequests().keySet()).as("request codes 4.9.x refused (see %s)", old.logFile())
            .isSubsetOf(RequestCode.GET_TOPIC_CONFIG, RequestCode.GET_TIMER_CHECK_POINT, RequestCode.GET_TIMER_METRICS);
    }

    /** Runs the backup until everything is copied and nothing is left behind; the status says why if not. */
    private static void copy(FerryConfig config) throws Exception {
        try (Ferry ferry = Ferry.start(config)) {
            await().atMost(Duration.ofMinutes(2)).alias("copied: " + ferry.status())
                .until(() -> ferry.status().get(0).copied() >= MESSAGES);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).backlog() == 0);
            LinkStatus status = ferry.status().get(0);
            assertThat(status.copied()).isEqualTo(MESSAGES);
            assertThat(status.deadLettered()).isZero();
        }
    }

    /**
     * Into the 4.9.x cluster one by one: the 5.5.0 producer gives a batch a message ID of its own, and 4.9.x stores a
     * batch's properties on each of its messages, so every message of a batch would carry the batch's ID (see
     * Batches.join).
     */
    private static List<String> sendOneByOne(String topic, String run, int count) {
        List<String> ids = new ArrayList<>();
        try (TestMessages producer = new TestMessages(old.namesrvAddr())) {
            for (int seq = 0; seq < count; seq++) {
                ids.add(producer.sendOne(TestMessages.message(topic, run, seq)).getMsgId());
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing in 4.9.x failed", e);
        }
        return ids;
    }

    /** The group's committed offsets on every queue of the topic, summed. */
    private static long committed(ClusterAdmin admin, String group, String topic) throws Exception {
        long sum = 0;
        for (MessageQueue queue : admin.queues(topic)) {
            sum += Math.max(0, admin.committedOffset(group, queue).orElse(0));
        }
        return sum;
    }

    /**
     * A region of the two-way test holds its own messages once, unmarked, and the peer's once, marked with the peer
     * as origin and path; SQL-92 consumers with {@code FERRY_ORIGIN IS NULL} see only the region's own.
     */
    private static void checkRegion(String namesrv, String name, String topic, String peer, List<String> ownIds,
                                    List<String> peerIds, int total) throws Exception {
        List<MessageExt> all = TopicReader.readAll(namesrv, topic, total);
        List<String> everything = new ArrayList<>(ownIds);
        everything.addAll(peerIds);
        MessageIds.assertExactlyOnce(all, everything, name + "/" + topic);
        Set<String> own = Set.copyOf(ownIds);
        for (MessageExt message : all) {
            if (own.contains(message.getMsgId())) {
                assertThat(message.getProperty(FerryNames.ORIGIN)).as("own message on " + name).isNull();
            } else {
                assertThat(message.getProperty(FerryNames.ORIGIN)).as("copy on " + name).isEqualTo(peer);
                assertThat(message.getProperty(FerryNames.PATH)).as("copy on " + name).isEqualTo(peer);
            }
        }
        // Ferry has stopped: the topic no longer grows, and a pass that finds nothing new is as quiet as readAll's.
        Duration quiet = Duration.ofMillis(500);
        Duration timeout = Duration.ofSeconds(60);
        List<MessageExt> local = TopicReader.readMatching(namesrv, topic, FerryNames.ORIGIN + " IS NULL",
            ownIds.size(), quiet, timeout);
        MessageIds.assertExactlyOnce(local, ownIds, name + " with FERRY_ORIGIN IS NULL");
        List<MessageExt> fromPeer = TopicReader.readMatching(namesrv, topic, FerryNames.ORIGIN + " = '" + peer + "'",
            peerIds.size(), quiet, timeout);
        MessageIds.assertExactlyOnce(fromPeer, peerIds, name + " with FERRY_ORIGIN = '" + peer + "'");
    }

    private static void assertCopiesOf(List<MessageExt> sources, List<MessageExt> copies, String origin, String unit) {
        Map<String, MessageExt> sourceById = sources.stream().collect(Collectors.toMap(MessageExt::getMsgId, m -> m));
        for (MessageExt copy : copies) {
            MessageExt source = sourceById.get(copy.getMsgId());
            TestMessages.assertCopyOf(source, copy);
            assertThat(copy.getUserProperty("unit")).isEqualTo(unit);
            assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo(origin);
            assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET)).isEqualTo(Long.toString(source.getQueueOffset()));
            assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo(Long.toString(source.getStoreTimestamp()));
        }
    }
}
