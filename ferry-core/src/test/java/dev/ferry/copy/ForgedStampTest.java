package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.SigningKey;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A producer in the east sets {@code FERRY_PATH} naming the west, as if its messages were copies from there. With a
 * signing key, a two-way backup copies them to the west all the same, counted as forged; the copies each
 * direction writes are still not copied back, though the brokers could evaluate SQL-92: the loop check runs in
 * Ferry, which alone can verify a signature.
 */
class ForgedStampTest {

    private static final String TOPIC = "trades";
    private static final int QUEUES = 4;
    private static final int PER_REGION = 500;
    private static final int FORGED = 50;
    private static final SigningKey KEY =
        SigningKey.of("the deployment's signing key: 32 bytes or more".getBytes(StandardCharsets.UTF_8));

    private static EmbeddedCluster east;
    private static EmbeddedCluster west;

    /** The shared regions: this class copies its own topic between them and stops no broker. */
    @BeforeAll
    static void createTopics() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        east = regions.a();
        west = regions.b();
        east.createTopic(TOPIC, QUEUES);
        west.createTopic(TOPIC, QUEUES);
    }

    @Test
    void aForgedPathIsCopiedAndCountedWithASigningKey() throws Exception {
        FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("east", east.namesrvAddr()),
                TestConfigs.cluster("west", west.namesrvAddr())),
            List.of(TestConfigs.twoWay("trades-aa", "east", "west", List.of(TOPIC)))).withSigningKey(KEY);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> eastIds;
        List<String> westIds;
        List<String> forgedIds = new ArrayList<>();
        try (Ferry ferry = Ferry.start(config, registry)) {
            try (TestMessages inEast = new TestMessages(east.namesrvAddr());
                 TestMessages inWest = new TestMessages(west.namesrvAddr())) {
                eastIds = inEast.send(TOPIC, "east", 0, PER_REGION, QUEUES);
                westIds = inWest.send(TOPIC, "west", 0, PER_REGION, QUEUES);
                for (int i = 0; i < FORGED; i++) {
                    Message forged = TestMessages.message(TOPIC, "forged", i);
                    forged.putUserProperty(FerryNames.PATH, "west");
                    if (i % 2 == 0) { // half of them with the rest of a stamp, and a signature that does not verify
                        forged.putUserProperty(FerryNames.ORIGIN, "west");
                        forged.putUserProperty(FerryNames.SIGNATURE, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
                    }
                    inEast.sendOne(forged);
                    forgedIds.add(forged.getProperty("UNIQ_KEY"));
                }
            }
            int inEachRegion = 2 * PER_REGION + FORGED;
            await().atMost(Duration.ofMinutes(1)).until(() ->
                east.messageCount(TOPIC) >= inEachRegion && west.messageCount(TOPIC) >= inEachRegion);
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().stream().allMatch(link ->
                link.backlog() == 0 && link.skippedLoop() == (link.source().equals("east") ? PER_REGION
                    : PER_REGION + FORGED)));
            // No loop: nothing more arrives on either side.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() ->
                east.messageCount(TOPIC) == inEachRegion && west.messageCount(TOPIC) == inEachRegion);

            Map<String, LinkStatus> links = ferry.status().stream()
                .collect(Collectors.toMap(LinkStatus::source, Function.identity()));
            LinkStatus eastToWest = links.get("east");
            LinkStatus westToEast = links.get("west");
            assertThat(eastToWest.loopCheck()).as("only Ferry can verify a signature").isEqualTo("ferry");
            assertThat(westToEast.loopCheck()).isEqualTo("ferry");
            assertThat(eastToWest.copied()).isEqualTo(PER_REGION + FORGED);
            assertThat(eastToWest.forgedStamps()).isEqualTo(FORGED);
            assertThat(eastToWest.skippedLoop()).as("the west's signed copies").isEqualTo(PER_REGION);
            assertThat(westToEast.copied()).isEqualTo(PER_REGION);
            assertThat(westToEast.forgedStamps()).isZero();
            assertThat(westToEast.skippedLoop()).as("the east's signed copies, forged ones included")
                .isEqualTo(PER_REGION + FORGED);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.get("ferry.forged.stamps")
                .tag("source", "east").functionCounter().count()).isEqualTo(FORGED));
        }

        List<String> all = new ArrayList<>(eastIds);
        all.addAll(westIds);
        all.addAll(forgedIds);
        List<MessageExt> inWest = TopicReader.readAll(west.namesrvAddr(), TOPIC, 2 * PER_REGION + FORGED);
        MessageIds.assertExactlyOnce(inWest, all, "west/" + TOPIC);
        assertThat(inWest).filteredOn(m -> "forged".equals(m.getUserProperty("run"))).hasSize(FORGED)
            .allSatisfy(m -> {
                assertThat(m.getProperty(FerryNames.ORIGIN)).isEqualTo("east");
                assertThat(m.getProperty(FerryNames.PATH)).isEqualTo("east");
                assertThat(m.getProperty(FerryNames.SIGNATURE)).matches("[A-Za-z0-9_-]{43}");
            });
        MessageIds.assertExactlyOnce(TopicReader.readAll(east.namesrvAddr(), TOPIC, 2 * PER_REGION + FORGED), all,
            "east/" + TOPIC);
    }
}
