package dev.ferry.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.FerryConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.SteadyProducer;
import dev.ferry.testing.TestConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pausing one direction of a two-way backup on a live stream, on real brokers: nothing more of it reaches the
 * target, its backlog grows and it says paused (healthy), while the other direction and another backup copy on; once
 * resumed, everything arrives, in order per queue, none twice, none lost. Shares a {@link ClusterPair}: its own
 * topics, backups and cluster names.
 */
class PauseResumeTest {

    private static final String TRADES = "pr-trades";
    private static final String AUDIT = "pr-audit";
    private static final int QUEUES = 4;
    private static final String EAST = "pr-east";
    private static final String WEST = "pr-west";

    private static EmbeddedCluster east;
    private static EmbeddedCluster west;

    @BeforeAll
    static void createTopics() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        east = regions.a();
        west = regions.b();
        for (EmbeddedCluster region : List.of(east, west)) {
            region.createTopic(TRADES, QUEUES);
            region.createTopic(AUDIT, QUEUES);
        }
    }

    @Test
    void aPausedDirectionCopiesNothingWhileItsBacklogGrowsAndCopiesEverythingOnceWhenResumed() throws Exception {
        FerryConfig config = TestConfigs.config(List.of(
                TestConfigs.cluster(EAST, east.namesrvAddr()), TestConfigs.cluster(WEST, west.namesrvAddr())),
            List.of(TestConfigs.twoWay("pr-aa", EAST, WEST, List.of(TRADES)),
                TestConfigs.oneWay("pr-audit", EAST, WEST, List.of(AUDIT))));
        long settledAt;
        long resumedAt;
        SteadyProducer inEast;
        SteadyProducer inWest;
        SteadyProducer audits;
        try (Ferry ferry = Ferry.start(config);
             SteadyProducer eastTrades = SteadyProducer.start(east.namesrvAddr(), TRADES, "pr-e");
             SteadyProducer westTrades = SteadyProducer.start(west.namesrvAddr(), TRADES, "pr-w");
             SteadyProducer eastAudits = SteadyProducer.start(east.namesrvAddr(), AUDIT, "pr-au")) {
            inEast = eastTrades;
            inWest = westTrades;
            audits = eastAudits;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                ferry.status().stream().allMatch(link -> link.copied() > 0));

            assertThat(ferry.pause("pr-aa", EAST + "->" + WEST).text()).isEqualTo("paused pr-aa: pr-east -> pr-west");
            // The copy under way when it came has ended: from here on nothing more reaches the target.
            settledAt = System.currentTimeMillis();
            long copiedAtPause = link(ferry, "pr-aa", EAST).copied();
            assertThat(ferry.pause("pr-aa", " " + EAST + " -> " + WEST + " ").text())
                .isEqualTo("nothing changed: pr-aa: pr-east -> pr-west was paused already");
            assertThatThrownBy(() -> ferry.pause("pr-aa", EAST + "->elsewhere"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backup 'pr-aa' has no direction 'pr-east->elsewhere': its directions are"
                    + " pr-east->pr-west, pr-west->pr-east");
            assertThatThrownBy(() -> ferry.pause("nope", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no backup 'nope' runs here: the backups are pr-aa, pr-audit");
            await("nothing more copied").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250)).until(() -> link(ferry, "pr-aa", EAST).copied() == copiedAtPause);
            LinkStatus settled = link(ferry, "pr-aa", EAST);
            long westToEast = link(ferry, "pr-aa", WEST).copied();
            long audited = link(ferry, "pr-audit", EAST).copied();

            await("the backlog grows, visibly").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    LinkStatus paused = link(ferry, "pr-aa", EAST);
                    assertThat(paused.state()).isEqualTo(LinkState.PAUSED);
                    assertThat(paused.reason()).startsWith("paused on request at ");
                    assertThat(paused.copied()).isEqualTo(settled.copied());
                    assertThat(paused.backlog()).isGreaterThan(settled.backlog() + 500);
                });
            await("the other direction and the other backup copy on").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() ->
                    link(ferry, "pr-aa", WEST).copied() > westToEast + 500
                        && link(ferry, "pr-audit", EAST).copied() > audited + 500);
            await("the sample shows it paused, and healthy").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                LinkStatus sampled = ferry.snapshot().links().stream().filter(l -> l.backup().equals("pr-aa")
                    && l.source().equals(EAST)).findFirst().orElseThrow();
                assertThat(sampled.state()).isEqualTo(LinkState.PAUSED);
                assertThat(sampled.healthy()).isTrue();
                // The other links share busy clusters with other test classes: only this link's health is asserted.
                assertThat(ferry.snapshot().problems()).noneMatch(p -> p.startsWith("pr-aa: " + EAST + " -> "));
            });
            assertThat(link(ferry, "pr-aa", EAST).copied()).isEqualTo(settled.copied());

            resumedAt = System.currentTimeMillis();
            assertThat(ferry.resume("pr-aa", null).text())
                .isEqualTo("resumed pr-aa: pr-east -> pr-west; pr-aa: pr-west -> pr-east was not paused");
            assertThat(ferry.resume("pr-aa", null).text())
                .isEqualTo("nothing changed: pr-aa: pr-east -> pr-west, pr-aa: pr-west -> pr-east were not paused");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                link(ferry, "pr-aa", EAST).copied() > settled.copied());

            eastTrades.stop();
            westTrades.stop();
            eastAudits.stop();
            long trades = (long) inEast.sent() + inWest.sent();
            await("everything copied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                east.messageCount(TRADES) >= trades && west.messageCount(TRADES) >= trades
                    && west.messageCount(AUDIT) >= audits.sent()
                    && ferry.status().stream().allMatch(link -> link.backlog() == 0));
            assertThat(link(ferry, "pr-aa", EAST).state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
        }

        List<MessageExt> fromEast = copiesFrom(west, TRADES, EAST, inEast.sent() + inWest.sent());
        MessageIds.assertExactlyOnce(fromEast, inEast.acknowledged(), "pr-west/pr-trades from pr-east");
        assertThat(fromEast).as("copies of the paused direction stored while it was paused")
            .filteredOn(copy -> copy.getStoreTimestamp() >= settledAt && copy.getStoreTimestamp() < resumedAt)
            .isEmpty();
        assertInOrderPerQueue(fromEast);
        List<MessageExt> fromWest = copiesFrom(east, TRADES, WEST, inEast.sent() + inWest.sent());
        MessageIds.assertExactlyOnce(fromWest, inWest.acknowledged(), "pr-east/pr-trades from pr-west");
        assertThat(fromWest).as("the other direction copied on meanwhile")
            .anyMatch(copy -> copy.getStoreTimestamp() >= settledAt && copy.getStoreTimestamp() < resumedAt);
        List<MessageExt> auditCopies = copiesFrom(west, AUDIT, EAST, audits.sent());
        MessageIds.assertExactlyOnce(auditCopies, audits.acknowledged(), "pr-west/pr-audit");
    }

    private static LinkStatus link(Ferry ferry, String backup, String source) {
        return ferry.status().stream().filter(l -> l.backup().equals(backup) && l.source().equals(source))
            .findFirst().orElseThrow();
    }

    /** The copies in {@code region}'s {@code topic} that came from {@code origin}, of its {@code total} messages. */
    private static List<MessageExt> copiesFrom(EmbeddedCluster region, String topic, String origin, int total)
        throws Exception {
        return TopicReader.readAll(region.namesrvAddr(), topic, total).stream()
            .filter(message -> origin.equals(message.getProperty(FerryNames.ORIGIN))).toList();
    }

    /** Per source queue, the producer's sequence numbers (keys {@code <run>-<seq>}) only go up. */
    private static void assertInOrderPerQueue(List<MessageExt> copies) {
        Map<String, Long> last = new HashMap<>();
        for (MessageExt copy : copies) {
            long seq = Long.parseLong(copy.getKeys().substring(copy.getKeys().lastIndexOf('-') + 1));
            Long before = last.put(copy.getProperty(FerryNames.SOURCE_QUEUE), seq);
            if (before != null) {
                assertThat(seq).as("order of source queue %s", copy.getProperty(FerryNames.SOURCE_QUEUE))
                    .isGreaterThan(before);
            }
        }
    }
}
