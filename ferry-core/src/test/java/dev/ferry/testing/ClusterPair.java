package dev.ferry.testing;

import dev.ferry.embedded.EmbeddedCluster;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Two regions, A and B, started once per test JVM on first use and shared by every test class that asks for
 * the same {@link Shape}; they stop when the JVM ends.
 *
 * <p>Why share: a test class that starts its own pair pays about a second to start it and then, when it closes
 * it, the 10 s of fixed pauses inside RocketMQ's shutdown, in the background while the next class runs but on
 * the same two cores. A class that only produces, copies and consumes needs no fresh clusters, only names of its
 * own.
 *
 * <p>What a sharing class keeps to itself, because other classes meet it on the same brokers:
 * <ul>
 *   <li>its topics, application consumer groups and backup names (the link's group is named after the backup);
 *   <li>the names its Ferry configuration gives the two clusters: the target's {@code FERRY_OFFSET_SYNCS} and
 *       {@code FERRY_CHECKPOINTS} are read back by source cluster name, so two classes calling their source
 *       "A" would read each other's;
 *   <li>no broker stopped, restarted, killed or made read-only, no ACL, no broker setting changed, no topic
 *       deleted but its own. A class that needs any of this, or a fresh store, starts its own clusters (see
 *       "How the tests are organised" in the README for which do and why).
 * </ul>
 *
 * <pre>{@code
 * private static final ClusterPair REGIONS = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
 * ...
 * REGIONS.a().createTopic("invoices", 2);
 * }</pre>
 */
public record ClusterPair(EmbeddedCluster a, EmbeddedCluster b) {

    /** What the two clusters look like; both clusters of a pair have the same shape. */
    public enum Shape {
        /**
         * RocketMQ's default names in both regions ({@code DefaultCluster}, one master {@code broker-a}), topic
         * auto-creation off as in production: a topic exists because the test or Ferry created it.
         */
        ONE_BROKER_EACH("broker-a"),
        /** As {@link #ONE_BROKER_EACH} with two masters in each region, {@code broker-a} and {@code broker-b}. */
        TWO_BROKERS_EACH("broker-a", "broker-b");

        private final String[] brokers;

        Shape(String... brokers) {
            this.brokers = brokers;
        }

        private EmbeddedCluster start() {
            return EmbeddedCluster.builder("DefaultCluster").brokers(brokers).autoCreateTopics(false).start();
        }
    }

    private static final Map<Shape, ClusterPair> STARTED = new EnumMap<>(Shape.class);

    /** The pair of this shape, started now if no test class in this JVM has asked for it yet. */
    public static synchronized ClusterPair shared(Shape shape) {
        ClusterPair pair = STARTED.get(shape);
        if (pair == null) {
            if (STARTED.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(ClusterPair::closeAll, "ferry-test-cluster-pairs"));
            }
            EmbeddedCluster a = shape.start();
            EmbeddedCluster b;
            try {
                b = shape.start();
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            pair = new ClusterPair(a, b);
            STARTED.put(shape, pair);
        }
        return pair;
    }

    /** Side by side: closing is nearly all fixed pauses, so every pair takes about as long as one. */
    private static void closeAll() {
        List<EmbeddedCluster> clusters = new ArrayList<>();
        synchronized (ClusterPair.class) {
            STARTED.values().forEach(pair -> clusters.addAll(List.of(pair.a, pair.b)));
            STARTED.clear();
        }
        EmbeddedCluster.closeAll(clusters.toArray(EmbeddedCluster[]::new));
    }
}
