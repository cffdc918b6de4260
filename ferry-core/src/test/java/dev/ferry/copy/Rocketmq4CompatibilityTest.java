package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.Rocketmq4Cluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ferry (a RocketMQ 5.5.0 client) with an Apache RocketMQ 4.9.x cluster at either end of a one-way backup: a
 * 4.9.x cluster of two brokers in a child JVM ({@link Rocketmq4Cluster}), and a 5.5.0 cluster, the shared one.
 * Every message arrives once, with its body, tag, keys, user properties and Ferry's stamp.
 */
class Rocketmq4CompatibilityTest {

    private static final int MESSAGES = 2_000;
    /** Per broker: the 4.9.x topic has twice as many queues, on two brokers. */
    private static final int QUEUES = 4;

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
        return TestConfigs.config(List.of(
            TestConfigs.cluster("r4-region", old.namesrvAddr(), Map.of("unit", "r4")),
            TestConfigs.cluster("r5-region", current.namesrvAddr(), Map.of("unit", "r5"))),
            List.of(TestConfigs.oneWay(backup, source, target, List.of(topic))));
    }

    @Test
    void copiesFromFourNineToFiveFive() throws Exception {
        String topic = "compat-4to5";
        old.createTopic(topic, QUEUES);
        // One by one: the 5.5.0 producer gives a batch a message ID of its own, and 4.9.x stores a batch's properties
        // on each of its messages, so every message of a batch would carry the batch's ID (see Batches.join).
        List<String> ids = new ArrayList<>();
        try (TestMessages producer = new TestMessages(old.namesrvAddr())) {
            for (int seq = 0; seq < MESSAGES; seq++) {
                ids.add(producer.sendOne(TestMessages.message(topic, "4to5", seq)).getMsgId());
            }
        }
        assertThat(old.messageCount(topic)).isEqualTo(MESSAGES);
        List<MessageExt> sources = TopicReader.readAll(old.namesrvAddr(), topic, MESSAGES);

        copy(config("compat-4to5", "r4-region", "r5-region", topic));

        List<MessageExt> copies = TopicReader.readAll(current.namesrvAddr(), topic, MESSAGES);
        MessageIds.assertExactlyOnce(copies, ids, "5.5/" + topic);
        assertCopiesOf(sources, copies, "r4-region", "r4");
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

        copy(config("compat-5to4", "r5-region", "r4-region", topic));

        assertThat(old.messageCount(topic)).isEqualTo(MESSAGES);
        List<MessageExt> copies = TopicReader.readAll(old.namesrvAddr(), topic, MESSAGES);
        MessageIds.assertExactlyOnce(copies, ids, "4.9/" + topic);
        assertCopiesOf(sources, copies, "r5-region", "r5");
        assertOnlyKnownRequestsRefused();
    }

    /**
     * What Ferry asks that 4.9.x does not know, each handled: GET_TOPIC_CONFIG (351; a 4.9.x source's topic config is
     * not learnt, so its copy on the target is a plain topic, and ClusterAdmin.consumeStats asks broker by broker) and
     * GET_TIMER_METRICS (61; no pending timer count). A new 5.x-only request shows up here first.
     */
    private static void assertOnlyKnownRequestsRefused() {
        assertThat(old.unsupportedRequests().keySet()).as("request codes 4.9.x refused (see %s)", old.logFile())
            .isSubsetOf(RequestCode.GET_TOPIC_CONFIG, RequestCode.GET_TIMER_METRICS);
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

    private static void assertCopiesOf(List<MessageExt> sources, List<MessageExt> copies, String origin, String unit) {
        Map<String, MessageExt> sourceById = sources.stream().collect(Collectors.toMap(MessageExt::getMsgId, m -> m));
        for (MessageExt copy : copies) {
            MessageExt source = sourceById.get(copy.getMsgId());
            assertThat(new String(copy.getBody(), StandardCharsets.UTF_8))
                .isEqualTo(new String(source.getBody(), StandardCharsets.UTF_8));
            assertThat(copy.getTags()).isEqualTo(source.getTags());
            assertThat(copy.getKeys()).isEqualTo(source.getKeys());
            assertThat(copy.getUserProperty("seq")).isEqualTo(source.getUserProperty("seq"));
            assertThat(copy.getUserProperty("region")).isEqualTo(source.getUserProperty("region"));
            assertThat(copy.getUserProperty("unit")).isEqualTo(unit);
            assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo(origin);
            assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET)).isEqualTo(Long.toString(source.getQueueOffset()));
            assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo(Long.toString(source.getStoreTimestamp()));
        }
    }
}
