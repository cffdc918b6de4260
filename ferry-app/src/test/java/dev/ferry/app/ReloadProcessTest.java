package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.config.ConfigLoader;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestMessages;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry run} as a child process re-reading its file: on SIGHUP and on {@code bin/ferry reload}, with the exit
 * codes of the command; a file that does not validate, or needs a restart of Ferry, changes nothing and shows in
 * {@code /status}, {@code /health} and {@code /metrics} until a good one clears it.
 */
class ReloadProcessTest {

    private static final String TOKEN = "reload-test-token-4f9c2a71e0";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private EmbeddedCluster source;
    private EmbeddedCluster target;
    private int port;
    private Path file;

    @Test
    void sighupAndTheReloadCommandApplyTheFileWhileABadOneChangesNothing() throws Exception {
        // The shared regions: this class copies its own topics under backups and cluster names of its own.
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        source = regions.a();
        target = regions.b();
        source.createTopic("rp-one", 2);
        source.createTopic("rp-two", 2);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        file = dir.resolve("ferry.yaml");
        write(List.of("rp-one"), "");
        try (TestMessages producer = new TestMessages(source);
             FerryProcess ferry = FerryProcess.start(file, dir.resolve("ferry.log")).awaitRunning()) {
            producer.send("rp-one", "one", 0, 100, 2);
            await().atMost(Duration.ofMinutes(1)).until(() -> copied("rp-one") == 100);

            // SIGHUP with a second backup in the file: it starts; the first copies on with the same link.
            write(List.of("rp-one", "rp-two"), "");
            ferry.hangUp();
            await().atMost(Duration.ofMinutes(1)).until(() -> "applied".equals(status().path("reload").path("outcome")
                .asText()));
            assertThat(status().path("reload").path("started").toString()).isEqualTo("[\"rp-two\"]");
            producer.send("rp-two", "two", 0, 100, 2);
            producer.send("rp-one", "one", 100, 50, 2);
            await().atMost(Duration.ofMinutes(1)).until(() -> copied("rp-two") == 100);
            await().atMost(Duration.ofMinutes(1)).until(() -> copied("rp-one") == 150);

            // A file that does not validate: the command refuses it itself (exit 2), naming the key ...
            write(List.of("rp-one", "rp-two"), "  - {name: rp-three, source: rp-src, target: rp-dst, topics: []}\n");
            CliTest.Outcome refused = CliTest.run("reload", "--config", file.toString());
            assertThat(refused.code()).isEqualTo(2);
            assertThat(refused.err()).contains("backups[2].topics");
            // ... and on SIGHUP Ferry keeps what runs, and says so in /status, /health and /metrics.
            ferry.hangUp();
            await().atMost(Duration.ofMinutes(1)).until(() -> "failed".equals(status().path("reload").path("outcome")
                .asText()));
            assertThat(status().path("reload").path("error").asText()).contains("backups[2].topics");
            assertThat(status().path("links")).hasSize(2);
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).as("the links copy: a failed reload is a line, not a 503").isEqualTo(200);
            assertThat(health.body()).startsWith("ok\n")
                .contains("reload failed at ").contains("still running the configuration loaded before (see /status)")
                .as("the error names the file's keys and values: /status only").doesNotContain("backups[2].topics");
            assertThat(get("/metrics").body()).contains("ferry_config_last_reload_success 0.0")
                .contains("ferry_config_reload_failures_total 1.0");
            assertThat(CliTest.run("status", "--config", dir.resolve("good.yaml").toString()).out())
                .contains("The last reload of the file FAILED");

            // A change that needs a restart of Ferry: the running Ferry refuses it (409, exit 1), changing nothing.
            write(List.of("rp-one", "rp-two"), "", "  rp-local: {embedded: true}\n");
            CliTest.Outcome restart = CliTest.run("reload", "--config", file.toString());
            assertThat(restart.code()).as(restart.err()).isEqualTo(1);
            assertThat(restart.err()).contains("409").contains("needs a restart of Ferry: cluster 'rp-local'");
            assertThat(status().path("reload").path("failures").asLong()).isEqualTo(2);

            // A good file clears it: rp-one removed, rp-two untouched.
            write(List.of("rp-two"), "");
            CliTest.Outcome applied = CliTest.run("reload", "--config", file.toString());
            assertThat(applied.code()).as(applied.err()).isZero();
            assertThat(applied.out()).contains("stopped [rp-one]").contains("untouched [rp-two]");
            assertThat(status().path("reload").path("outcome").asText()).isEqualTo("applied");
            await("the next sample has the running set").atMost(Duration.ofSeconds(10))
                .until(() -> status().path("links").size() == 1);
            assertThat(get("/health").body()).doesNotContain("reload failed");
            String metrics = get("/metrics").body();
            assertThat(metrics).contains("ferry_config_last_reload_success 1.0")
                .contains("ferry_copied_messages_total{backup=\"rp-two\"")
                .doesNotContain("ferry_copied_messages_total{backup=\"rp-one\"");
            assertThat(ferry.terminate()).isZero();
        }
        CliTest.Outcome nobody = CliTest.run("reload", "--config", file.toString());
        assertThat(nobody.code()).isEqualTo(1);
        assertThat(nobody.err()).contains("no Ferry answers");
    }

    /** Writes the file with one backup per topic, and {@code more} backups and clusters as given. */
    private void write(List<String> topics, String moreBackups, String... moreClusters) throws Exception {
        List<String> backups = new ArrayList<>();
        topics.forEach(t -> backups.add("  - {name: " + t + ", source: rp-src, target: rp-dst, topics: [" + t + "]}\n"));
        String yaml = "clusters:\n  rp-src: {namesrv: \"" + source.namesrvAddr() + "\"}\n  rp-dst: {namesrv: \""
            + target.namesrvAddr() + "\"}\n" + String.join("", moreClusters) + "backups:\n" + String.join("", backups)
            + moreBackups + "http:\n  listen: 127.0.0.1:" + port + "\n  token: " + TOKEN + "\n";
        Files.writeString(file, yaml);
        if (moreBackups.isEmpty() && moreClusters.length == 0) {
            Files.writeString(dir.resolve("good.yaml"), yaml);
        }
    }

    private JsonNode status() throws Exception {
        JsonNode status = RunningFerry.of(ConfigLoader.load(dir.resolve("good.yaml"))).statusOrNull();
        if (status == null) {
            throw new IllegalStateException("no /status yet");
        }
        return status;
    }

    private long copied(String backup) throws Exception {
        long copied = -1;
        for (JsonNode link : status().path("links")) {
            if (link.path("backup").asText().equals(backup)) {
                copied = link.path("copied").asLong();
            }
        }
        return copied;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
