package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * Clusters as users run them: two regions, each {@code DefaultCluster} with {@code broker-a} and
 * {@code broker-b}, 24 queues per broker. One target broker goes down while Ferry copies: the queues mapped to the
 * other broker keep copying all the while; when it is back, its backlog drains; nothing is lost, every copy lands
 * in the target queue its source queue maps to (never another broker's queue with the same id), and per source
 * queue the copies are in order. Then a source broker goes down with messages not yet copied, and Ferry restarts
 * meanwhile: the other source broker's queues copy, and the rest arrives once it is back.
 */
class BrokerOutageTest {

    private static final String TOPIC = "orders";
    /**
     * More queues wait for a dead broker than the copier has threads (20): a copier that held a thread per
     * waiting queue would starve the queues of the broker that works.
     */
    private static final int QUEUES_PER_BROKER = 24;
    private static final int QUEUES = 2 * QUEUES_PER_BROKER;
    /** Messages per round: 40 a queue, so each broker's share is exact. */
    private static final int ROUND = 40 * QUEUES;

    @Test
    void oneTargetBrokerDownStopsNoOtherQueueAndLosesNothing() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
            .autoCreateTopics(false).start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
            .autoCreateTopics(false).start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, TOPIC, QUEUES_PER_BROKER);
            List<String> produced = new ArrayList<>();
            try (Ferry ferry = Ferry.start(config)) {
                produced.addAll(producer.send(TOPIC, "before", 0, ROUND, QUEUES));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount(TOPIC) >= ROUND);

                b.stopBroker("broker-b");
                long onHealthyBefore = b.messageCount(TOPIC, "broker-a");
                produced.addAll(producer.send(TOPIC, "during", ROUND, 2 * ROUND, QUEUES));
                // Half the source queues map to broker-a: their half arrives while broker-b is down.
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount(TOPIC, "broker-a")
                    >= onHealthyBefore + ROUND);
                long tookWhileDown = b.messageCount(TOPIC, "broker-a") - onHealthyBefore;
                System.out.printf("broker outage: broker-a took %d copies while broker-b was down%n", tookWhileDown);
                // Status says what is true: the link retries broker-b's queues; B as a whole is not unreachable.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> {
                        assertThat(link.state()).isEqualTo(LinkState.RETRYING);
                        assertThat(link.reason()).contains("broker-b");
                    }));

                b.startBroker("broker-b");
                await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount(TOPIC) >= 3 * ROUND);
            }

            // The same with a source broker, across a restart of Ferry: A's broker-b goes down holding half a
            // round not yet copied; Ferry starts meanwhile and copies broker-a's queues.
            produced.addAll(producer.send(TOPIC, "source-both", 3L * ROUND, ROUND, QUEUES));
            a.stopBroker("broker-b");
            produced.addAll(producer.send(TOPIC, "source-a", 4L * ROUND, ROUND / 2, QUEUES_PER_BROKER));
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount(TOPIC) >= 4 * ROUND);
                long beforeSourceBack = b.messageCount(TOPIC);
                a.startBroker("broker-b");
                await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount(TOPIC) >= 4 * ROUND + ROUND / 2);
                System.out.printf("broker outage: %d copies arrived while A's broker-b was down, %d after it came"
                    + " back%n", beforeSourceBack - 3 * ROUND, b.messageCount(TOPIC) - beforeSourceBack);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> assertThat(link.state()).isIn(LinkState.RUNNING,
                        LinkState.CATCHING_UP)));
            }

            List<MessageExt> copies = TopicReader.readAll(b.namesrvAddr(), TOPIC, 4 * ROUND + ROUND / 2);
            Set<String> ids = new HashSet<>();
            Map<String, Long> lastSourceOffset = new HashMap<>();
            int duplicates = 0;
            for (MessageExt copy : copies) {
                String sourceBroker = copy.getUserProperty(FerryNames.SOURCE_BROKER);
                String sourceQueue = copy.getUserProperty(FerryNames.SOURCE_QUEUE);
                // 48 source queues onto 48 target queues, both numbered by (broker name, queue id): i -> i.
                assertThat(copy.getBrokerName() + "/" + copy.getQueueId()).as("target queue of %s",
                    copy.getMsgId()).isEqualTo(sourceBroker + "/" + sourceQueue);
                long sourceOffset = Long.parseLong(copy.getUserProperty(FerryNames.SOURCE_OFFSET));
                Long last = lastSourceOffset.put(sourceBroker + "/" + sourceQueue, sourceOffset);
                if (!ids.add(copy.getMsgId())) {
                    duplicates++;
                } else if (last != null) {
                    assertThat(sourceOffset).as("order of %s/%s", sourceBroker, sourceQueue).isGreaterThan(last);
                }
            }
            Set<String> lost = new HashSet<>(produced);
            lost.removeAll(ids);
            System.out.printf("broker outage: %d produced, %d copies, %d duplicates, %d lost%n", produced.size(),
                copies.size(), duplicates, lost.size());
            assertThat(lost).isEmpty();
        }
    }
}
