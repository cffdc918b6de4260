package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.CopySettings;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * Ferry reading a source a round trip of 50 ms away (a delay proxy in front of it), with several pulls out per
 * source queue. While it copies, the target stops answering in time for a while (sends time out, some were stored)
 * and a second Ferry process joins and leaves (queues move between the two mid-way, each with what its last owner
 * stored and had not committed). Every message reaches the target exactly once (what a timed-out send or a previous
 * owner stored is read back from the target and skipped), and each target queue holds its source queue's messages
 * in their order.
 */
class FarSourceTest {

    private static final String TOPIC = "far-orders";
    private static final int QUEUES = 8;
    private static final int MESSAGES = 8_000;

    @Test
    void aFarSourceIsCopiedCompleteAndInOrderWhileTheTargetFailsAndQueuesMove() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
            .autoCreateTopics(false).behindDelayProxy().start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
            .autoCreateTopics(false).behindDelayProxy().start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b)) {
            // Four queues on each broker: the eight the messages are sent to are all there are, so that whichever
            // queues move to the second process, they have traffic.
            a.createTopic(TOPIC, QUEUES / 2);
            b.createTopic(TOPIC, QUEUES / 2);
            FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("A", a.proxiedNamesrvAddr()),
                    TestConfigs.cluster("B", b.proxiedNamesrvAddr())),
                List.of(TestConfigs.oneWay("far-dr", "A", "B", List.of(TOPIC))));
            List<String> produced = new ArrayList<>();
            long skippedCopied = 0;
            try (TestMessages producer = new TestMessages(a.namesrvAddr())) {
                produced.addAll(producer.send(TOPIC, "far", 0, MESSAGES / 2, QUEUES));
            }
            a.proxy().delay(Duration.ofMillis(25));

            try (Ferry ferry = Ferry.start(config)) {
                // Across the round trip the queues read ahead, each as deep as its pace needs (how deep depends on the
                // machine's pace): status shows each one streaming.
                Map<String, Integer> deepest = new ConcurrentHashMap<>();
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    ferry.status().get(0).readAhead().forEach((queue, pulls) -> deepest.merge(queue, pulls, Math::max));
                    return b.messageCount(TOPIC) >= MESSAGES / 8;
                });
                System.out.println("far source: pulls out per queue, deepest seen: " + deepest);
                assertThat(deepest).isNotEmpty().allSatisfy((queue, pulls) -> {
                    assertThat(queue).matches(TOPIC + "/broker-[ab]/[0-3]");
                    assertThat(pulls).isBetween(PullDepth.LEAST, CopySettings.DEFAULT.pullsInFlight());
                });

                // The target answers too late for a while: sends time out (3 s), some after being stored.
                b.proxy().delay(Duration.ofMillis(2_000));
                try (TestMessages producer = new TestMessages(a.namesrvAddr())) {
                    produced.addAll(producer.send(TOPIC, "far", MESSAGES / 2, MESSAGES / 4, QUEUES));
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).retries() > 0);
                b.proxy().delay(Duration.ZERO);

                // A second process joins the group: queues move to it mid-way, while traffic flows (sent until the
                // second has copied some, which it does once a rebalance and the brokers' locks let it); then it
                // leaves again and its queues move back.
                try (Ferry second = Ferry.start(config);
                     TestMessages producer = new TestMessages(a.namesrvAddr())) {
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        produced.addAll(producer.send(TOPIC, "far", produced.size(), 40, QUEUES));
                        return second.status().get(0).copied() > 0;
                    });
                    produced.addAll(producer.send(TOPIC, "far", produced.size(), MESSAGES / 4, QUEUES));
                    // Its queues move back as it closes, with what it stored and had not committed yet.
                    skippedCopied += second.status().get(0).skippedCopied();
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> ferry.status().get(0).backlog() == 0);
                skippedCopied += ferry.status().get(0).skippedCopied();
                await("no queue reads ahead once all is copied").atMost(Duration.ofSeconds(30))
                    .until(() -> ferry.status().get(0).readAhead().isEmpty());
            }

            List<MessageExt> copies = TopicReader.readAll(b, TOPIC, produced.size());
            Set<String> ids = new HashSet<>();
            copies.forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).as("every message copied").containsExactlyInAnyOrderElementsOf(produced);
            Map<String, List<Long>> bySourceQueue = new HashMap<>();
            for (MessageExt copy : copies) {
                String queue = copy.getUserProperty(FerryNames.SOURCE_BROKER) + "/"
                    + copy.getUserProperty(FerryNames.SOURCE_QUEUE);
                bySourceQueue.computeIfAbsent(queue, q -> new ArrayList<>())
                    .add(Long.parseLong(copy.getUserProperty(FerryNames.SOURCE_OFFSET)));
            }
            bySourceQueue.forEach((queue, offsets) -> assertThat(new ArrayList<>(new LinkedHashSet<>(offsets)))
                .as("queue %s in its source order, each message first copied after the ones before it", queue)
                .isSorted());
            System.out.printf("far source: %d produced, %d copies, %d not copied twice (stored before a timeout or a"
                + " move)%n", produced.size(), copies.size(), skippedCopied);
            assertThat(copies).as("exactly once: none copied twice, across timeouts after storing and queue moves")
                .hasSize(produced.size());
            assertThat(skippedCopied).as("what the target held already was skipped").isPositive();
        }
    }
}
