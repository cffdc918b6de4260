package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Active geo-redundancy: two regions that both take traffic and copy to each other, with the loop check run
 * by the source brokers (SQL-92 subscription).
 */
class TwoWayBackupTest {

    private static final String TOPIC = "trades";
    private static final int PER_REGION = 10_000;
    private static final int QUEUES = 8;

    private static EmbeddedCluster hangzhou;
    private static EmbeddedCluster shanghai;

    /**
     * Both regions as RocketMQ names them by default: the same cluster and broker names on both sides. The pair is
     * shared with other test classes; this one copies its own topic and stops no broker.
     */
    @BeforeAll
    static void createTopics() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.TWO_BROKERS_EACH);
        hangzhou = regions.a();
        shanghai = regions.b();
        hangzhou.createTopic(TOPIC, QUEUES);
        shanghai.createTopic(TOPIC, QUEUES);
    }

    @Test
    void bothRegionsEndWithEverythingOnceAndNothingLoops() throws Exception {
        FerryConfig config = TestConfigs.config(List.of(
                TestConfigs.cluster("hangzhou", hangzhou.namesrvAddr()),
                TestConfigs.cluster("shanghai", shanghai.namesrvAddr())),
            List.of(TestConfigs.twoWay("trades-aa", "hangzhou", "shanghai", List.of(TOPIC))));

        List<String> hangzhouIds;
        List<String> shanghaiIds;
        try (Ferry ferry = Ferry.start(config)) {
            // Both regions produce at the same time, while Ferry copies both ways.
            CompletableFuture<List<String>> inHangzhou = produce(hangzhou, "hz");
            CompletableFuture<List<String>> inShanghai = produce(shanghai, "sh");
            hangzhouIds = inHangzhou.join();
            shanghaiIds = inShanghai.join();

            await().atMost(Duration.ofMinutes(2)).until(() ->
                hangzhou.messageCount(TOPIC) >= 2 * PER_REGION && shanghai.messageCount(TOPIC) >= 2 * PER_REGION);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                ferry.status().stream().allMatch(link -> link.backlog() == 0));
            // No loop: with everything copied and committed, nothing more arrives on either side.
            await("nothing loops").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() ->
                hangzhou.messageCount(TOPIC) == 2 * PER_REGION && shanghai.messageCount(TOPIC) == 2 * PER_REGION);

            for (LinkStatus link : ferry.status()) {
                assertThat(link.copied()).as(link.source() + " -> " + link.target()).isEqualTo(PER_REGION);
                // The copies the other direction wrote were never pulled: the source broker passed over them.
                assertThat(link.loopCheck()).isEqualTo("broker");
                assertThat(link.skippedLoop()).isZero();
                assertThat(link.received()).isEqualTo(PER_REGION);
                assertThat(link.skippedAtSource()).isLessThanOrEqualTo(PER_REGION);
            }
        }

        checkRegion(shanghai, "shanghai", "hangzhou", shanghaiIds, hangzhouIds);
        checkRegion(hangzhou, "hangzhou", "shanghai", hangzhouIds, shanghaiIds);
    }

    /**
     * {@code region} holds its own messages once, unmarked, and the peer's once, marked with the peer as
     * origin, in the peer's per-queue order; SQL-92 on FERRY_ORIGIN picks exactly either.
     */
    private static void checkRegion(EmbeddedCluster region, String name, String peer, List<String> ownIds,
                                    List<String> peerIds) throws Exception {
        List<MessageExt> all = TopicReader.readAll(region.namesrvAddr(), TOPIC, 2 * PER_REGION);
        List<String> everything = new ArrayList<>(ownIds);
        everything.addAll(peerIds);
        MessageIds.assertExactlyOnce(all, everything, name + "/" + TOPIC);

        String peerRun = run(peer);
        Map<Integer, Long> lastSeqPerQueue = new HashMap<>();
        for (MessageExt message : all) {
            if (message.getProperty(FerryNames.ORIGIN) == null) {
                assertThat(message.getProperty("run")).isEqualTo(run(name));
                continue;
            }
            long seq = Long.parseLong(message.getProperty("seq"));
            Message sent = TestMessages.message(TOPIC, peerRun, seq);
            assertThat(message.getProperty(FerryNames.ORIGIN)).isEqualTo(peer);
            assertThat(message.getProperty(FerryNames.PATH)).isEqualTo(peer);
            assertThat(message.getTags()).isEqualTo(sent.getTags());
            assertThat(message.getKeys()).isEqualTo(sent.getKeys());
            assertThat(message.getBody()).isEqualTo(sent.getBody());
            assertThat(message.getProperty("run")).isEqualTo(peerRun);
            // Source queue i went to target queue i (both have 8), and in order.
            int sourceQueue = Integer.parseInt(message.getProperty(FerryNames.SOURCE_QUEUE));
            assertThat(message.getQueueId()).isEqualTo(sourceQueue);
            assertThat(seq % QUEUES).isEqualTo(sourceQueue);
            Long previous = lastSeqPerQueue.put(message.getQueueId(), seq);
            if (previous != null) {
                assertThat(seq).as("order of queue %d on %s", message.getQueueId(), name).isGreaterThan(previous);
            }
        }

        // Ferry has stopped: the topic no longer grows, and a pass that finds nothing new is as quiet as readAll's.
        Duration quiet = Duration.ofMillis(500);
        Duration timeout = Duration.ofSeconds(60);
        List<MessageExt> fromPeer = TopicReader.readMatching(region.namesrvAddr(), TOPIC,
            FerryNames.ORIGIN + " = '" + peer + "'", PER_REGION, quiet, timeout);
        MessageIds.assertExactlyOnce(fromPeer, peerIds, name + " with FERRY_ORIGIN = '" + peer + "'");
        List<MessageExt> local = TopicReader.readMatching(region.namesrvAddr(), TOPIC,
            FerryNames.ORIGIN + " IS NULL", PER_REGION, quiet, timeout);
        MessageIds.assertExactlyOnce(local, ownIds, name + " with FERRY_ORIGIN IS NULL");
    }

    private static CompletableFuture<List<String>> produce(EmbeddedCluster region, String run) {
        return CompletableFuture.supplyAsync(() -> {
            try (TestMessages producer = new TestMessages(region.namesrvAddr())) {
                List<String> ids = new ArrayList<>();
                // In slices, so both regions' traffic interleaves with the copies arriving.
                for (int first = 0; first < PER_REGION; first += 1_000) {
                    ids.addAll(producer.send(TOPIC, run, first, 1_000, QUEUES));
                }
                return ids;
            } catch (Exception e) {
                throw new IllegalStateException("producing in " + region + " failed", e);
            }
        });
    }

    private static String run(String region) {
        return region.equals("hangzhou") ? "hz" : "sh";
    }

}
