package dev.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.check.ClusterCheck.Result;
import dev.ferry.check.ClusterCheck.Status;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterCheckTest {

    @Test
    void reportsANameServerNobodyListensOnWithinSeconds() throws IOException {
        int port = freePort();
        FerryConfig config = configOf(cluster("hangzhou", "127.0.0.1:" + port));

        long start = System.nanoTime();
        List<Result> results = ClusterCheck.check(config);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.failed()).isTrue();
            assertThat(result.line()).startsWith("cluster 'hangzhou' (127.0.0.1:" + port + "): not reachable: ")
                .contains(String.valueOf(port))
                .doesNotContain("\n");
        });
    }

    @Test
    void givesUpOnANameServerThatNeverAnswers() throws IOException {
        // The socket is bound and listening, so connecting works, but nobody ever reads the request.
        try (ServerSocket silent = new ServerSocket(0)) {
            FerryConfig config = configOf(cluster("hangzhou", "127.0.0.1:" + silent.getLocalPort()));

            long start = System.nanoTime();
            List<Result> results = ClusterCheck.check(config, Duration.ofMillis(500));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(results).singleElement().satisfies(result -> {
                assertThat(result.status()).isEqualTo(Status.FAILED);
                assertThat(result.line())
                    .startsWith("cluster 'hangzhou' (127.0.0.1:" + silent.getLocalPort() + "): not reachable: ")
                    .doesNotContain("\n");
            });
        }
    }

    @Test
    void namesAHostThatDoesNotResolve() {
        // .invalid never resolves (RFC 2606).
        FerryConfig config = configOf(cluster("hangzhou", "127.0.0.1:9876;namesrv.hangzhou.invalid:9876"));

        assertThat(ClusterCheck.check(config, Duration.ofMillis(500))).containsExactly(new Result("hangzhou",
            Status.FAILED, 0, "cluster 'hangzhou' (127.0.0.1:9876;namesrv.hangzhou.invalid:9876): not reachable:"
                + " unknown host 'namesrv.hangzhou.invalid'"));
    }

    @Test
    void checksClustersInParallelAndSkipsEmbeddedOnes() throws IOException {
        FerryConfig config = configOf(cluster("hangzhou", "127.0.0.1:" + freePort()),
            new ClusterConfig("shanghai", null, null, null, Map.of(), true),
            cluster("beijing", "127.0.0.1:" + freePort()));

        List<Result> results = ClusterCheck.check(config, Duration.ofMillis(500));

        assertThat(results).extracting(Result::cluster, Result::status).containsExactly(
            tuple("hangzhou", Status.FAILED), tuple("shanghai", Status.SKIPPED), tuple("beijing", Status.FAILED));
        assertThat(results.get(1).line())
            .isEqualTo("cluster 'shanghai': embedded, started by Ferry when it runs (not checked)");
    }

    static ClusterConfig cluster(String name, String namesrv) {
        return new ClusterConfig(name, namesrv, null, null, Map.of(), false);
    }

    static FerryConfig configOf(ClusterConfig... clusters) {
        Map<String, ClusterConfig> byName = new LinkedHashMap<>();
        for (ClusterConfig cluster : clusters) {
            byName.put(cluster.name(), cluster);
        }
        return new FerryConfig(Path.of("ferry.yaml"), byName, List.of(), HttpConfig.DEFAULT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
