package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two-way backup between clusters whose brokers do not evaluate SQL-92 ({@code enablePropertyFilter=false},
 * RocketMQ's default): the copies that would loop are pulled and dropped by Ferry instead.
 */
class LoopCheckInFerryTest {

    private static final String TOPIC = "trades";
    private static final int PER_REGION = 2_000;

    private static EmbeddedCluster east;
    private static EmbeddedCluster west;

    @BeforeAll
    static void startClusters() {
        east = EmbeddedCluster.builder("east").brokerProperty("enablePropertyFilter", "false").start();
        west = EmbeddedCluster.builder("west").brokerProperty("enablePropertyFilter", "false").start();
        east.createTopic(TOPIC, 4);
        west.createTopic(TOPIC, 4);
    }

    @AfterAll
    static void stopClusters() {
        EmbeddedCluster.closeInBackground(east, west);
    }

    private static FerryConfig config(BackupConfig backup) {
        return TestConfigs.config(List.of(TestConfigs.cluster("east", east.namesrvAddr()),
            TestConfigs.cluster("west", west.namesrvAddr())), List.of(backup));
    }

    @Test
    void dropsLoopingCopiesItselfWhereTheBrokerCannot() throws Exception {
        List<String> eastIds;
        List<String> westIds;
        try (Ferry ferry = Ferry.start(config(TestConfigs.twoWay("trades-aa", "east", "west", List.of(TOPIC))))) {
            try (TestMessages inEast = new TestMessages(east.namesrvAddr());
                 TestMessages inWest = new TestMessages(west.namesrvAddr())) {
                eastIds = inEast.send(TOPIC, "east", 0, PER_REGION, 4);
                westIds = inWest.send(TOPIC, "west", 0, PER_REGION, 4);
            }
            await().atMost(Duration.ofMinutes(1)).until(() ->
                east.messageCount(TOPIC) >= 2 * PER_REGION && west.messageCount(TOPIC) >= 2 * PER_REGION);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                ferry.status().stream().allMatch(link -> link.backlog() == 0 && link.skippedLoop() == PER_REGION));
            await("nothing loops").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() ->
                east.messageCount(TOPIC) == 2 * PER_REGION && west.messageCount(TOPIC) == 2 * PER_REGION);

            for (LinkStatus link : ferry.status()) {
                assertThat(link.loopCheck()).isEqualTo("ferry");
                assertThat(link.copied()).isEqualTo(PER_REGION);
                // Every copy the other direction wrote was pulled, then dropped here.
                assertThat(link.skippedLoop()).isEqualTo(PER_REGION);
                assertThat(link.received()).isEqualTo(2 * PER_REGION);
            }
        }

        List<String> all = new ArrayList<>(eastIds);
        all.addAll(westIds);
        for (EmbeddedCluster region : List.of(east, west)) {
            List<MessageExt> messages = TopicReader.readAll(region.namesrvAddr(), TOPIC, 2 * PER_REGION);
            MessageIds.assertExactlyOnce(messages, all, region.clusterName() + "/" + TOPIC);
            String peer = region == east ? "west" : "east";
            assertThat(messages).filteredOn(m -> m.getProperty(FerryNames.ORIGIN) != null)
                .hasSize(PER_REGION)
                .allSatisfy(m -> {
                    assertThat(m.getProperty(FerryNames.ORIGIN)).isEqualTo(peer);
                    assertThat(m.getProperty("run")).isEqualTo(peer);
                });
        }
    }

    @Test
    void aFilterOnSuchASourceIsRefusedWithWhatToDo() {
        BackupConfig filtered = TestConfigs.with(TestConfigs.oneWay("filtered", "east", "west", List.of(TOPIC)),
            "region = 'east'", StartFrom.EARLIEST, BackupConfig.OnError.DEAD_LETTER);
        assertThatThrownBy(() -> Ferry.start(config(filtered)).close())
            .hasMessage("backup 'filtered': its filter needs SQL-92 on the brokers of 'east', which do not have"
                + " enablePropertyFilter=true (set it in broker.conf and restart the brokers, or remove the filter)");
    }

}
