package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueLayoutTest {

    private static final Map<String, QueueLayout.Queues> SOURCE = Map.of("broker-a", new QueueLayout.Queues(8, 8),
        "broker-b", new QueueLayout.Queues(4, 2));

    @Test
    void theSameBrokerGroupsGetWhatTheSourceHasOnEachReadAndWriteApart() {
        assertThat(QueueLayout.matching(SOURCE, 12, List.of("broker-b", "broker-a"))).containsExactly(
            Map.entry("broker-a", new QueueLayout.Queues(8, 8)), Map.entry("broker-b", new QueueLayout.Queues(4, 2)));
    }

    @Test
    void otherBrokerGroupsGetTheTotalSpreadEvenly() {
        assertThat(QueueLayout.matching(SOURCE, 12, List.of("broker-a", "broker-b", "broker-c"))).containsOnly(
            Map.entry("broker-a", new QueueLayout.Queues(4, 4)), Map.entry("broker-b", new QueueLayout.Queues(4, 4)),
            Map.entry("broker-c", new QueueLayout.Queues(4, 4)));
        assertThat(QueueLayout.matching(SOURCE, 12, List.of("broker-a"))).as("fewer groups")
            .containsOnly(Map.entry("broker-a", new QueueLayout.Queues(12, 12)));
        assertThat(QueueLayout.matching(Map.of(), 5, List.of("x", "y"))).as("no source layout: rounded up")
            .containsOnly(Map.entry("x", new QueueLayout.Queues(3, 3)), Map.entry("y", new QueueLayout.Queues(3, 3)));
        assertThat(QueueLayout.matching(Map.of(), 0, List.of("x"))).as("at least one")
            .containsOnly(Map.entry("x", new QueueLayout.Queues(1, 1)));
    }
}
