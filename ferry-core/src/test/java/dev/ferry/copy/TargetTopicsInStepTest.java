package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.QueueLayout;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Regions with two brokers each and RocketMQ's default names. A target topic Ferry created grows with its source
 * topic: queues added on a source broker are added on the target broker of the same name, and the messages of the
 * new queues are copied. A
 * target topic that existed with fewer queues is left as it is and named in the link's status, and still takes
 * every copy.
 */
class TargetTopicsInStepTest {

    private static final String GROWS = "in-step-orders";
    private static final String FEWER = "in-step-fewer";

    @Test
    void aTargetTopicFerryCreatedGrowsWithItsSourceAndOneWithFewerQueuesIsNamed() throws Exception {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.TWO_BROKERS_EACH);
        EmbeddedCluster a = regions.a();
        EmbeddedCluster b = regions.b();
        a.createTopic(GROWS, 2);
        a.createTopic(FEWER, 2);
        b.createTopic(FEWER, 1);
        FerryConfig config = TestConfigs.oneWayAtoB("in-step", a.namesrvAddr(), b.namesrvAddr(),
            List.of(GROWS, FEWER));
        List<String> grows = new ArrayList<>();
        List<String> fewer = new ArrayList<>();
        try (TestMessages onA = new TestMessages(a.namesrvAddr());
             Ferry ferry = Ferry.start(config);
             ClusterAdmin targetAdmin = ClusterAdmin.connect(config.cluster("B"))) {
            grows.addAll(onA.send(GROWS, "before", 0, 40, 4));
            fewer.addAll(onA.send(FEWER, "before", 0, 40, 4));
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount(GROWS) >= 40
                && b.messageCount(FEWER) >= 40);
            assertThat(targetAdmin.queues(GROWS)).as("created with the source's queues").hasSize(4);
            assertThat(ferry.status().get(0).warnings()).singleElement().asString()
                .contains("target topic " + FEWER + " has 2 queues, the source's " + FEWER + " has 4")
                .contains("mqadmin updateTopic");

            // broker-a grows from 2 queues to 4; broker-b keeps 2.
            a.createTopic(GROWS, 4, List.of("broker-a"));
            grows.addAll(onA.send(GROWS, "after", 0, 60, 6));
            // The client learns of the new queues from a route update, which does not rebalance: Ferry has it take
            // them up at once, rather than at its next round up to 20 s later, meanwhile retrying for their locks.
            Set<LinkState> states = EnumSet.noneOf(LinkState.class);
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                states.add(ferry.status().get(0).state());
                return b.messageCount(GROWS) >= 100;
            });
            assertThat(states).as("states while the topic grew").doesNotContain(LinkState.RETRYING);
            assertThat(targetAdmin.queueLayout(GROWS)).as("grown with the source, broker by broker").containsOnly(
                Map.entry("broker-a", new QueueLayout.Queues(4, 4)), Map.entry("broker-b", new QueueLayout.Queues(2, 2)));
            assertThat(targetAdmin.queues(FEWER)).as("not Ferry's to grow").hasSize(2);
            assertThat(ferry.status().get(0).warnings()).hasSize(1);
        }
        MessageIds.assertExactlyOnce(TopicReader.readAll(b.namesrvAddr(), GROWS, 100), grows, "B " + GROWS);
        MessageIds.assertExactlyOnce(TopicReader.readAll(b.namesrvAddr(), FEWER, 40), fewer, "B " + FEWER);
    }
}
