package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

class QueueMappingTest {

    /** Two brokers of 4 queues each on both sides, RocketMQ's default names in both regions. */
    private static final List<MessageQueue> SOURCES = queues("orders", "broker-a", 4, "broker-b", 4);
    private static final List<MessageQueue> TARGETS = queues("orders", "broker-a", 4, "broker-b", 4);

    @Test
    void queuesAreNumberedAcrossBrokersAndTheNumberPicksTheTarget() {
        QueueMapping mapping = learned(SOURCES, TARGETS);
        assertThat(mapAll(mapping, SOURCES)).isEqualTo(zip(SOURCES, TARGETS));

        QueueMapping fewer = learned(SOURCES, queues("orders", "broker-a", 2, "broker-b", 1));
        // numbers 0..7 mod 3: a0 a1 b0 a0 a1 b0 a0 a1
        assertThat(mapAll(fewer, SOURCES).values()).extracting(QueueMappingTest::name)
            .containsExactly("a0", "a1", "b0", "a0", "a1", "b0", "a0", "a1");
    }

    /**
     * The bug users hit: broker-b of the target left the route while copying, and its source queues were sent to
     * broker-a's queues with the same ids; after it came back, never to it again.
     */
    @Test
    void aTargetBrokerThatGoesDownKeepsItsQueuesAndGetsThemBack() {
        QueueMapping mapping = learned(SOURCES, TARGETS);
        Map<MessageQueue, MessageQueue> before = mapAll(mapping, SOURCES);

        List<MessageQueue> onlyA = TARGETS.subList(0, 4);
        mapping.learnTargets(onlyA, onlyA); // broker-b down: not routed
        assertThat(mapAll(mapping, SOURCES)).as("while broker-b is down").isEqualTo(before);

        mapping.learnTargets(TARGETS, TARGETS);
        assertThat(mapAll(mapping, SOURCES)).as("after it is back").isEqualTo(before);
    }

    @Test
    void aSourceBrokerThatGoesDownDoesNotShiftTheOthers() {
        QueueMapping mapping = learned(SOURCES, TARGETS.subList(0, 6));
        Map<MessageQueue, MessageQueue> before = mapAll(mapping, SOURCES);
        mapping.learnSources(SOURCES.subList(4, 8)); // broker-a down on the source: only b routed
        assertThat(mapAll(mapping, SOURCES.subList(4, 8))).isEqualTo(sub(before, SOURCES.subList(4, 8)));
    }

    @Test
    void aNewBrokerSortingFirstMovesNoQueueAlreadyCopying() {
        List<MessageQueue> onlyB = SOURCES.subList(4, 8);
        QueueMapping mapping = learned(onlyB, TARGETS);
        Map<MessageQueue, MessageQueue> before = mapAll(mapping, onlyB);
        assertThat(before.values()).extracting(QueueMappingTest::name).containsExactly("a0", "a1", "a2", "a3");

        List<MessageQueue> grown = new ArrayList<>(queues("orders", "broker-0", 2));
        grown.addAll(onlyB);
        assertThat(mapping.learnSources(grown)).hasSize(2);
        assertThat(sub(mapAll(mapping, grown), onlyB)).isEqualTo(before);
        // the new queues take the numbers they have now: 0 and 1
        assertThat(mapping.targetFor(grown.get(0)).target()).isEqualTo(TARGETS.get(0));
        assertThat(mapping.targetFor(grown.get(1)).target()).isEqualTo(TARGETS.get(1));
    }

    @Test
    void aTargetQueueThatNoLongerTakesWritesIsLeftOnceWithTheReason() {
        QueueMapping mapping = learned(SOURCES, TARGETS);
        MessageQueue b1 = SOURCES.get(5);
        assertThat(mapping.targetFor(b1).target()).isEqualTo(TARGETS.get(5));

        mapping.learnTargets(TARGETS, TARGETS.subList(0, 4)); // broker-b read-only: routed, not writable
        QueueMapping.Choice moved = mapping.targetFor(b1);
        assertThat(moved.target().getBrokerName()).isEqualTo("broker-a");
        assertThat(moved.change()).hasValueSatisfying(change -> assertThat(change)
            .isEqualTo("orders: source broker-b/1 now copies to target " + name(moved.target()).replace("a", "broker-a/")
                + ", as target broker-b/1 no longer takes writes (read-only)"));
        assertThat(mapping.targetFor(b1)).as("said once, then kept")
            .isEqualTo(new QueueMapping.Choice(moved.target(), java.util.Optional.empty()));
    }

    @Test
    void aPinFromTheOffsetSyncsWinsOverTheRule() {
        QueueMapping mapping = new QueueMapping();
        mapping.pin(SOURCES.get(0), TARGETS.get(7));
        mapping.learnSources(SOURCES);
        mapping.learnTargets(TARGETS, TARGETS);
        assertThat(mapping.targetFor(SOURCES.get(0)).target()).isEqualTo(TARGETS.get(7));
        assertThat(mapping.targetFor(SOURCES.get(1)).target()).isEqualTo(TARGETS.get(1));
    }

    @Test
    void nothingIsChosenForAnUnknownQueue() {
        QueueMapping mapping = new QueueMapping();
        mapping.learnSources(SOURCES);
        assertThatThrownBy(() -> mapping.targetFor(SOURCES.get(0))).hasMessageContaining("no queues");
        mapping.learnTargets(TARGETS, TARGETS);
        assertThatThrownBy(() -> mapping.targetFor(new MessageQueue("orders", "broker-c", 0)))
            .hasMessageContaining("no route known");
    }

    private static QueueMapping learned(List<MessageQueue> sources, List<MessageQueue> targets) {
        QueueMapping mapping = new QueueMapping();
        mapping.learnSources(sources);
        mapping.learnTargets(targets, targets);
        return mapping;
    }

    private static Map<MessageQueue, MessageQueue> mapAll(QueueMapping mapping, List<MessageQueue> sources) {
        Map<MessageQueue, MessageQueue> mapped = new LinkedHashMap<>();
        sources.forEach(source -> mapped.put(source, mapping.targetFor(source).target()));
        return mapped;
    }

    private static Map<MessageQueue, MessageQueue> zip(List<MessageQueue> sources, List<MessageQueue> targets) {
        Map<MessageQueue, MessageQueue> zipped = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            zipped.put(sources.get(i), targets.get(i));
        }
        return zipped;
    }

    private static Map<MessageQueue, MessageQueue> sub(Map<MessageQueue, MessageQueue> all, List<MessageQueue> keys) {
        Map<MessageQueue, MessageQueue> sub = new LinkedHashMap<>();
        keys.forEach(key -> sub.put(key, all.get(key)));
        return sub;
    }

    private static String name(MessageQueue queue) {
        return queue.getBrokerName().substring(queue.getBrokerName().length() - 1) + queue.getQueueId();
    }

    private static List<MessageQueue> queues(String topic, Object... brokersAndCounts) {
        List<MessageQueue> queues = new ArrayList<>();
        for (int i = 0; i < brokersAndCounts.length; i += 2) {
            for (int id = 0; id < (int) brokersAndCounts[i + 1]; id++) {
                queues.add(new MessageQueue(topic, (String) brokersAndCounts[i], id));
            }
        }
        return queues;
    }
}
