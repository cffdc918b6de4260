package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ferry pause} and {@code resume} against a {@code ferry run} child process with a token, end to end:
 * the commands' answers and exit codes (2 for a backup it does not run), the paused link in {@code status},
 * {@code /health} (200, listing it) and {@code /metrics}, the request logged with who asked, and every message
 * copied once after the resume. The clusters are the shared pair; the topic, backup and cluster names are this
 * class's.
 */
class PauseCommandTest {

    private static final String TOPIC = "pc-orders";
    private static final String TOKEN = "pause-command-test-token-0123456789";
    private static final int MESSAGES = 200;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static EmbeddedCluster source;
    private static EmbeddedCluster target;

    @TempDir
    Path dir;

    @BeforeAll
    static void createTopics() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        source = regions.a();
        target = regions.b();
        source.createTopic(TOPIC, 2);
        target.createTopic(TOPIC, 2);
    }

    @Test
    void pauseAndResumeTheRunningFerryOverHttpWithItsToken() throws Exception {
        String listen = "127.0.0.1:" + freePort();
        Path config = Files.writeString(dir.resolve("ferry.yaml"), """
            clusters:
              pc-src: {namesrv: "%s"}
              pc-dst: {namesrv: "%s"}
            backups:
              - {name: pc-dr, source: pc-src, target: pc-dst, topics: [%s]}
            http:
              listen: %s
              token: %s
            """.formatted(source.namesrvAddr(), target.namesrvAddr(), TOPIC, listen, TOKEN));
        Path log = dir.resolve("ferry.log");
        try (FerryProcess ferry = FerryProcess.start(config, log).awaitRunning()) {
            CliTest.Outcome unknown = CliTest.run("pause", "--config", config.toString(), "--backup", "nope");
            assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(unknown.err()).contains("answered 400: no backup 'nope' runs here: the backups are pc-dr")
                .doesNotContain(TOKEN);
            CliTest.Outcome wrongWay = CliTest.run("pause", "--config", config.toString(), "--backup", "pc-dr",
                "--direction", "pc-dst->pc-src");
            assertThat(wrongWay.code()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(wrongWay.err()).contains("backup 'pc-dr' has no direction 'pc-dst->pc-src': its direction is"
                + " pc-src->pc-dst");

            CliTest.Outcome paused = CliTest.run("pause", "--config", config.toString(), "--backup", "pc-dr",
                "--direction", "pc-src->pc-dst");
            assertThat(paused.code()).as(paused.err()).isEqualTo(ExitCodes.OK);
            assertThat(paused.out()).isEqualTo("paused pc-dr: pc-src -> pc-dst\n");
            CliTest.Outcome again = CliTest.run("pause", "--config", config.toString(), "--backup", "pc-dr");
            assertThat(again.code()).isEqualTo(ExitCodes.OK);
            assertThat(again.out()).isEqualTo("nothing changed: pc-dr: pc-src -> pc-dst was paused already\n");

            List<String> ids = produce(MESSAGES);
            await("status shows it paused, its backlog waiting").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                CliTest.Outcome status = CliTest.run("status", "--config", config.toString());
                assertThat(status.out()).containsPattern("pc-dr +pc-src -> pc-dst +paused \\(paused on request at ")
                    .containsPattern("until resumed, with bin/ferry resume\\) +\\d+ +" + MESSAGES + " ");
            });
            assertThat(target.messageCount(TOPIC)).as("nothing copied while paused").isZero();
            HttpResponse<String> health = get("http://" + listen + "/health", null);
            assertThat(health.statusCode()).as("paused as asked: healthy").isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\npaused: pc-dr: pc-src -> pc-dst\n");
            assertThat(get("http://" + listen + "/metrics", TOKEN).body())
                .containsPattern("ferry_link_state\\{[^}]*state=\"paused\"[^}]*} 1\\.0")
                .containsPattern("ferry_link_healthy\\{backup=\"pc-dr\"[^}]*} 1\\.0");

            CliTest.Outcome resumed = CliTest.run("resume", "--config", config.toString(), "--backup", "pc-dr");
            assertThat(resumed.code()).as(resumed.err()).isEqualTo(ExitCodes.OK);
            assertThat(resumed.out()).isEqualTo("resumed pc-dr: pc-src -> pc-dst\n");
            await("everything copied once resumed").atMost(Duration.ofSeconds(30))
                .until(() -> target.messageCount(TOPIC) >= MESSAGES);
            MessageIds.assertExactlyOnce(TopicReader.readAll(target.namesrvAddr(), TOPIC, MESSAGES), ids,
                "pc-dst/" + TOPIC);
            assertThat(ferry.log()).contains("POST /pause?backup=pc-dr&direction=pc-src-%3Epc-dst from 127.0.0.1:")
                .contains(": 200 paused pc-dr: pc-src -> pc-dst")
                .contains("POST /resume?backup=pc-dr from 127.0.0.1:").doesNotContain(TOKEN);
            assertThat(ferry.terminate()).isZero();
        }
    }

    private static List<String> produce(int count) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("pc-app");
        producer.setNamesrvAddr(source.namesrvAddr());
        producer.setInstanceName("pc-app-" + ProcessHandle.current().pid());
        producer.start();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(producer.send(new Message(TOPIC, "order", "pc-" + i,
                    ("order " + i).getBytes(StandardCharsets.UTF_8))).getMsgId());
            }
            return ids;
        } finally {
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
