package dev.ferry.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many read and write queues a topic gets on each broker of a cluster, to match a topic of another cluster.
 * Regions usually run RocketMQ's default broker names ({@code broker-a}, {@code broker-b}) in each, so where the two
 * clusters have the same broker groups the topic gets what the other has on each, read and write apart (a topic
 * being shrunk has fewer write than read queues); where they differ, the other's total is spread evenly:
 *
 * <pre>
 *   source            target brokers        target topic
 *   a: 8/8, b: 4/4    a, b                  a: 8/8, b: 4/4       (same groups: each as the source)
 *   a: 8/8, b: 4/4    a, b, c               a: 4/4, b: 4/4, c: 4/4  (12 spread over 3)
 * </pre>
 */
public final class QueueLayout {

    /** A topic's read and write queue counts on one broker. */
    public record Queues(int read, int write) {
    }

    private QueueLayout() {
    }

    /**
     * Per broker of {@code brokers}: what the {@code source} topic has on the broker of that name when both have
     * the same broker groups, else {@code total} spread evenly (at least 1 each).
     */
    static Map<String, Queues> matching(Map<String, Queues> source, int total, Collection<String> brokers) {
        Map<String, Queues> layout = new TreeMap<>();
        boolean sameGroups = !source.isEmpty() && Set.copyOf(brokers).equals(source.keySet());
        int even = Math.max(1, (total + brokers.size() - 1) / Math.max(1, brokers.size()));
        for (String broker : brokers) {
            layout.put(broker, sameGroups ? source.get(broker) : new Queues(even, even));
        }
        return layout;
    }
}
