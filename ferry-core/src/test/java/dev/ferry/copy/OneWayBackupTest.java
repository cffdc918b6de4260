package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.offsets.OffsetSyncLog;
import dev.ferry.offsets.OffsetSyncStore;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One-way backup between two real embedded clusters: a clean run, and a stop and restart. */
class OneWayBackupTest {

    private static EmbeddedCluster hangzhou;
    private static EmbeddedCluster shanghai;

    /**
     * The shared regions, whose brokers create no topic by themselves: Ferry must create the target's with the
     * source's queue count. This class copies its own topics and stops no broker.
     */
    @BeforeAll
    static void shareClusters() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        hangzhou = regions.a();
        shanghai = regions.b();
    }

    private static FerryConfig config(BackupConfig backup) {
        return TestConfigs.config(List.of(
            TestConfigs.cluster("hangzhou", hangzhou.namesrvAddr(), Map.of("unit", "hz-01")),
            TestConfigs.cluster("shanghai", shanghai.namesrvAddr())), List.of(backup));
    }

    @Test
    void copiesEveryMessageOnceWithItsFieldsAndOrder() throws Exception {
        String topic = "orders";
        hangzhou.createTopic(topic, 8);
        List<String> ids;
        try (TestMessages producer = new TestMessages(hangzhou.namesrvAddr())) {
            ids = producer.send(topic, "clean", 0, 20_000, 8);
        }
        List<MessageExt> sources = TopicReader.readAll(hangzhou.namesrvAddr(), topic, 20_000);
        Map<String, MessageExt> sourceById = sources.stream()
            .collect(Collectors.toMap(MessageExt::getMsgId, m -> m));

        FerryConfig config = config(TestConfigs.oneWay("orders-dr", "hangzhou", "shanghai", List.of(topic)));
        try (Ferry ferry = Ferry.start(config)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> ferry.status().get(0).copied() >= 20_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).backlog() == 0);
            LinkStatus status = ferry.status().get(0);
            assertThat(status.copied()).isEqualTo(20_000);
            assertThat(status.deadLettered()).isZero();
        }

        List<MessageExt> copies = TopicReader.readAll(shanghai.namesrvAddr(), topic, 20_000);
        MessageIds.assertExactlyOnce(copies, ids, "shanghai/" + topic);

        Map<Integer, List<MessageExt>> byTargetQueue = new HashMap<>();
        for (MessageExt copy : copies) {
            MessageExt source = sourceById.get(copy.getMsgId());
            TestMessages.assertCopyOf(source, copy);
            assertThat(copy.getUserProperty("run")).isEqualTo("clean");
            assertThat(copy.getUserProperty("unit")).isEqualTo("hz-01");
            assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("hangzhou");
            assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("hangzhou");
            assertThat(copy.getUserProperty(FerryNames.SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(copy.getUserProperty(FerryNames.SOURCE_QUEUE)).isEqualTo(Integer.toString(source.getQueueId()));
            assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET))
                .isEqualTo(Long.toString(source.getQueueOffset()));
            assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME))
                .isEqualTo(Long.toString(source.getStoreTimestamp()));
            assertThat(copy.getQueueId()).isEqualTo(source.getQueueId() % 8);
            byTargetQueue.computeIfAbsent(copy.getQueueId(), q -> new ArrayList<>()).add(copy);
        }
        // Per queue, the target holds the source queue's messages in source order.
        for (List<MessageExt> queue : byTargetQueue.values()) {
            queue.sort((a, b) -> Long.compare(a.getQueueOffset(), b.getQueueOffset()));
            List<Long> sourceOffsets = queue.stream()
                .map(m -> Long.parseLong(m.getUserProperty(FerryNames.SOURCE_OFFSET))).toList();
            assertThat(sourceOffsets).isSorted();
            assertThat(new HashSet<>(sourceOffsets)).hasSize(2_500);
        }
    }

    @Test
    void stopAndRestartLosesNothingAndCopiesNothingTwice() throws Exception {
        String topic = "payments";
        hangzhou.createTopic(topic, 4);
        FerryConfig config = config(TestConfigs.oneWay("payments-dr", "hangzhou", "shanghai", List.of(topic)));
        try (TestMessages producer = new TestMessages(hangzhou.namesrvAddr())) {
            producer.send(topic, "restart", 0, 3_000, 4);
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).copied() >= 1_000);
                // More traffic while copying, so the stop lands in the middle of a stream.
                producer.send(topic, "restart", 3_000, 2_000, 4);
            }
            producer.send(topic, "restart", 5_000, 3_000, 4);
        }
        try (Ferry ferry = Ferry.start(config)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).backlog() == 0);
        }
        List<MessageExt> copies = TopicReader.readAll(shanghai.namesrvAddr(), topic, 8_000);
        Set<String> seqs = copies.stream().map(m -> m.getUserProperty("seq")).collect(Collectors.toSet());
        assertThat(seqs).hasSize(8_000);
        assertThat(copies).as("a clean stop copies nothing twice").hasSize(8_000);

        // The offset syncs were kept in the target: a process starting now translates every queue's progress.
        OffsetSyncStore reloaded = new OffsetSyncStore();
        assertThat(OffsetSyncLog.load(config.cluster("shanghai"), "hangzhou", reloaded)).isPositive();
        assertThat(reloaded.sourceQueues()).hasSize(4);
        try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("shanghai"))) {
            for (MessageQueue queue : reloaded.sourceQueues()) {
                OffsetSyncStore.Translation translation = reloaded.translate(queue, 2_000).orElseThrow();
                assertThat(translation.targetOffset()).isBetween(1L, admin.maxOffset(translation.target()));
            }
        }
    }
}
