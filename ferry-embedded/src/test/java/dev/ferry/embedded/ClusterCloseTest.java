package dev.ferry.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What a closed cluster leaves in its JVM. A class of its own, run alone: the clusters another test keeps open
 * start threads of their own lazily (a store's compaction scheduler makes its second thread a while after the
 * broker started), which the count would take for the closed cluster's.
 */
@Isolated
class ClusterCloseTest {

    @Test
    void closeLeavesNoThreadThatWouldKeepTheJvmAlive() throws Exception {
        // Clusters an earlier class closes in the background end their threads meanwhile: they finish first.
        EmbeddedCluster.awaitBackgroundCloses();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EmbeddedCluster.builder("cct-threads").brokers("broker-a", "broker-b").start().close();
        // Threads of RocketMQ's that end by themselves shortly after shutdown get a moment to do so.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().isAlive() && !t.getKey().isDaemon() && !before.contains(t.getKey()))
                // Client threads of clients other classes left open start lazily; they are not the cluster's.
                .filter(t -> !t.getKey().getName().startsWith("NettyClient")
                    && !t.getKey().getName().startsWith("RemotingExecutorThread")
                    && !t.getKey().getName().startsWith("awaitility"))
                .map(t -> t.getKey().getName() + " " + Arrays.stream(t.getValue()).limit(12).toList()))
                .as("non-daemon threads left after close, with where they are").isEmpty());
    }
}
