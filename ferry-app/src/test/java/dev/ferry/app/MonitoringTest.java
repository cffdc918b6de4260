package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.SigningKey;
import dev.ferry.config.CopySettings;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.embedded.EmbeddedCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What {@code /metrics}, {@code /status} and {@code /health} say agrees with what the test produced: messages
 * copied, messages the source's filter passed over, a backlog drained to 0, a queue blocked by a message the
 * target refuses — and no credential shows in any of them, nor in the log: not the access key, nor the secret key
 * and the signing key read from files ({@code ${file:PATH}}). Every metric the sample alert rules
 * ({@code docs/prometheus-alerts.yml}) read is exported.
 */
class MonitoringTest {

    private static final String ACCESS_KEY = "AK-monitoring-4d1e";
    private static final String SECRET_KEY = "SK-never-shown-7f3a";
    private static final String SIGNING_KEY = "signing-key-never-shown-0f9e8d7c6b5a49382716";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void metricsStatusAndHealthAgreeWithWhatWasProducedAndShowNoSecret() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try (EmbeddedCluster source = EmbeddedCluster.builder("mon-src").start();
             EmbeddedCluster target = EmbeddedCluster.builder("mon-dst").maxMessageSize(64 * 1024).start();
             AutoCloseable both = () -> EmbeddedCluster.closeInBackground(source, target)) {
            source.createTopic("orders", 4);
            source.createTopic("big", 1);
            Path file = dir.resolve("ferry.yaml");
            // As Kubernetes mounts secrets: a file each, ending with a line break.
            Path secretKey = Files.writeString(dir.resolve("mon-src-sk"), SECRET_KEY + "\n");
            Path signingKey = Files.writeString(dir.resolve("ferry-signing-key"), SIGNING_KEY + "\n");
            Files.writeString(file, """
                clusters:
                  mon-src: {namesrv: "%s", accessKey: %s, secretKey: "${file:%s}"}
                  mon-dst: {namesrv: "%s"}
                backups:
                  - {name: filtered, source: mon-src, target: mon-dst, topics: [orders], filter: "region = 'east'"}
                  - {name: blocking, source: mon-src, target: mon-dst, topics: [big], onError: block}
                signingKey: "${file:%s}"
                """.formatted(source.namesrvAddr(), ACCESS_KEY, secretKey, target.namesrvAddr(), signingKey));
            // 300 messages, 98 of them from the west, which the filter passes over; each queue starts and ends with
            // an east message, so every skipped one is counted (a gap between two delivered messages).
            int west = 0;
            try (Producer producer = new Producer(source.namesrvAddr())) {
                for (int i = 0; i < 300; i++) {
                    boolean fromWest = i % 3 == 1 && i >= 4 && i < 296;
                    west += fromWest ? 1 : 0;
                    Message message = new Message("orders", ("m" + i).getBytes(StandardCharsets.UTF_8));
                    message.putUserProperty("region", fromWest ? "west" : "east");
                    producer.send(message, i % 4);
                }
            }
            assertThat(west).isEqualTo(98);
            FerryConfig config = ConfigLoader.load(file);
            assertThat(config.cluster("mon-src").secretKey()).isEqualTo(SECRET_KEY);
            assertThat(config.signingKey()).isPresent();
            PrometheusMeterRegistry registry = StatusServer.metrics();
            CopySettings quickRetries = CopySettings.DEFAULT.withBlockedRetry(Duration.ofMillis(500));
            try (Ferry ferry = Ferry.start(config.withCopy(quickRetries), registry);
                 StatusServer server = StatusServer.start(new HttpConfig("127.0.0.1", 0), ferry, registry)) {
                String base = "http://" + server.address();
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                    assertThat(link(ferry, "filtered")).extracting(LinkStatus::copied, LinkStatus::backlog,
                        LinkStatus::skippedAtSource).containsExactly(202L, 0L, 98L);
                    assertThat(link(ferry, "filtered").heartbeats()).isPositive();
                    assertThat(link(ferry, "blocking").state()).isEqualTo(LinkState.RUNNING);
                });
                assertThat(get(base + "/health").statusCode()).isEqualTo(200);

                // billing consumed 10 of each queue's 75 on the source: its checkpoint shows a lag of 4 x 65.
                try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("mon-src"))) {
                    Map<MessageQueue, Long> offsets = new HashMap<>();
                    admin.queues("orders").forEach(queue -> offsets.put(queue, 10L));
                    admin.moveGroup("billing", offsets);
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> !ferry.snapshot().checkpoints().isEmpty());

                // Now the target refuses a message for good: the blocking backup stops at it.
                try (Producer producer = new Producer(source.namesrvAddr())) {
                    producer.send(new Message("big", "small-1".getBytes(StandardCharsets.UTF_8)), 0);
                    byte[] oversized = new byte[100 * 1024];
                    new Random(7).nextBytes(oversized);
                    producer.send(new Message("big", oversized), 0);
                    producer.send(new Message("big", "small-3".getBytes(StandardCharsets.UTF_8)), 0);
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> link(ferry, "blocking").state() == LinkState.BLOCKED
                    && link(ferry, "blocking").backlog() == 2);

                String metrics = get(base + "/metrics").body();
                Map<String, String> filtered = Map.of("backup", "filtered", "source", "mon-src", "target", "mon-dst");
                Map<String, String> blocking = Map.of("backup", "blocking", "source", "mon-src", "target", "mon-dst");
                assertThat(metric(metrics, "ferry_copied_messages_total", filtered)).isEqualTo(202);
                assertThat(metric(metrics, "ferry_skipped_messages_total", with(filtered, "reason", "source_filter")))
                    .isEqualTo(98);
                assertThat(metric(metrics, "ferry_skipped_messages_total", with(filtered, "reason", "loop"))).isZero();
                assertThat(metric(metrics, "ferry_received_messages_total", filtered)).isEqualTo(202);
                assertThat(metric(metrics, "ferry_backlog_messages", filtered)).isZero();
                assertThat(metric(metrics, "ferry_dead_lettered_messages_total", filtered)).isZero();
                assertThat(metric(metrics, "ferry_forged_stamps_total", filtered)).isZero();
                assertThat(metric(metrics, "ferry_heartbeats_copied_total", filtered)).isPositive();
                assertThat(metric(metrics, "ferry_copy_delay_seconds_count", filtered)).as("every copy, heartbeats too")
                    .isGreaterThanOrEqualTo(202);
                assertThat(metric(metrics, "ferry_link_state", with(filtered, "state", "running"))).isEqualTo(1);
                assertThat(metric(metrics, "ferry_link_healthy", filtered)).isEqualTo(1);
                assertThat(metric(metrics, "ferry_copied_messages_total", blocking)).isEqualTo(1);
                assertThat(metric(metrics, "ferry_backlog_messages", blocking)).isEqualTo(2);
                assertThat(metric(metrics, "ferry_link_state", with(blocking, "state", "blocked"))).isEqualTo(1);
                assertThat(metric(metrics, "ferry_link_state", with(blocking, "state", "running"))).isZero();
                assertThat(metric(metrics, "ferry_link_healthy", blocking)).isZero();
                assertThat(metric(metrics, "ferry_cluster_reachable", Map.of("cluster", "mon-dst"))).isEqualTo(1);
                Map<String, String> billing = with(filtered, "group", "billing");
                assertThat(metric(metrics, "ferry_checkpoint_lag_messages", with(billing, "topic", "orders")))
                    .isEqualTo(260);
                assertThat(metric(metrics, "ferry_checkpoint_age_seconds", billing)).isNotNegative();
                assertThat(metric(metrics, "ferry_checkpoint_reread_messages", billing)).isNotNegative();
                assertThat(metrics).contains("jvm_memory_used_bytes").contains("ferry_copy_delay_seconds_bucket")
                    .contains("# TYPE ferry_copied_messages_total counter");

                JsonNode status = JSON.readTree(get(base + "/status").body());
                assertThat(status.path("healthy").asBoolean()).isFalse();
                assertThat(status.path("problems").toString()).contains("blocking: mon-src -> mon-dst is blocked");
                JsonNode filteredLink = find(status.path("links"), "filtered");
                assertThat(filteredLink.path("copied").asLong()).isEqualTo(202);
                assertThat(filteredLink.path("skippedAtSource").asLong()).isEqualTo(98);
                assertThat(filteredLink.path("forgedStamps").asLong()).isZero();
                assertThat(filteredLink.path("backlog").asLong()).isZero();
                assertThat(filteredLink.path("state").asText()).isEqualTo("RUNNING");
                JsonNode blockingLink = find(status.path("links"), "blocking");
                assertThat(blockingLink.path("state").asText()).isEqualTo("BLOCKED");
                assertThat(blockingLink.path("reason").asText()).contains("blocked at offset 1").contains("refuses");
                assertThat(status.path("clusters").findValuesAsText("name")).containsExactly("mon-src", "mon-dst");
                assertThat(status.path("clusters").findValues("reachable")).allMatch(JsonNode::asBoolean);
                assertThat(status.path("backups").findValuesAsText("name")).containsExactly("filtered", "blocking");

                HttpResponse<String> health = get(base + "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("blocking: mon-src -> mon-dst is blocked");
                HttpResponse<String> page = get(base + "/");
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("html"));
                assertThat(page.body()).contains("<title>");
                assertThat(get(base + "/nothing-here").statusCode()).isEqualTo(404);

                assertThat(alertRuleMetrics()).as("the metrics docs/prometheus-alerts.yml alerts on").isNotEmpty()
                    .allSatisfy(name -> assertThat(metrics).as(name).containsPattern("(?m)^" + name + "[{ ]"));

                for (String body : List.of(metrics, status.toString(), health.body(), page.body())) {
                    assertThat(body).doesNotContain(SECRET_KEY).doesNotContain(ACCESS_KEY).doesNotContain(SIGNING_KEY);
                }
            }
        } finally {
            root.detachAppender(log);
        }
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).noneMatch(line -> line.contains(SECRET_KEY) || line.contains(ACCESS_KEY)
            || line.contains(SIGNING_KEY));
        assertThat(log.list).as("nor a stack trace").allSatisfy(event -> assertThat(stackTrace(event))
            .doesNotContain(SECRET_KEY, ACCESS_KEY, SIGNING_KEY));
        assertThat(lines).as("the key's id, for comparing processes").anyMatch(line ->
            line.startsWith("Stamps are signed (key id "
                + SigningKey.of(SIGNING_KEY.getBytes(StandardCharsets.UTF_8)).id() + ")"));
        assertThat(lines).as("one line for the change of state, with the backup, direction and cause")
            .filteredOn(line -> line.startsWith("blocking: mon-src -> mon-dst: running -> blocked (blocked at offset 1"))
            .hasSize(1);
    }

    /** Every {@code ferry_*} metric an expression of the sample alert rules reads. */
    private static Set<String> alertRuleMetrics() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docs", "prometheus-alerts.yml")
            .toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : rules.findValues("expr")) {
            Matcher m = Pattern.compile("\\bferry_[a-z_]+").matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static String stackTrace(ILoggingEvent event) {
        return event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
    }

    private static LinkStatus link(Ferry ferry, String backup) {
        return ferry.snapshot().links().stream().filter(l -> l.backup().equals(backup)).findFirst().orElseThrow();
    }

    private static JsonNode find(JsonNode links, String backup) {
        for (JsonNode link : links) {
            if (link.path("backup").asText().equals(backup)) {
                return link;
            }
        }
        throw new AssertionError("no link of " + backup + " in " + links);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> more = new HashMap<>(labels);
        more.put(key, value);
        return more;
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}. */
    static double metric(String text, String name, Map<String, String> labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Double found = null;
        Matcher m = sample.matcher(text);
        while (m.find()) {
            String labelText = m.group(1);
            boolean all = labels.entrySet().stream()
                .allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                assertThat(found).as("one sample of %s%s", name, labels).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        assertThat(found).as("a sample of %s%s in\n%s", name, labels, text).isNotNull();
        return found;
    }

    /** Sends to chosen queues, so that the test knows which message ends each queue. */
    private static final class Producer implements AutoCloseable {
        private final DefaultMQProducer producer;
        private final String namesrv;

        Producer(String namesrv) throws Exception {
            this.namesrv = namesrv;
            producer = new DefaultMQProducer("monitoring-test");
            producer.setNamesrvAddr(namesrv);
            producer.setInstanceName("monitoring-test-" + System.nanoTime());
            producer.setMaxMessageSize(8 * 1024 * 1024);
            producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
            producer.start();
        }

        void send(Message message, int queue) throws Exception {
            String broker = producer.fetchPublishMessageQueues(message.getTopic()).get(0).getBrokerName();
            producer.send(message, new MessageQueue(message.getTopic(), broker, queue));
        }

        @Override
        public void close() {
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
    }
}
