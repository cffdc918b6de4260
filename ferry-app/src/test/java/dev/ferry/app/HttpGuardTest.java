package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.HttpConfig;
import dev.ferry.watch.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint's guards, on a {@link StatusServer} fed a fixed snapshot (no broker): the bearer token (401
 * without it or with a wrong one, {@code /health} open), read-only paths (405, HEAD allowed), the loopback
 * {@code Host} check (421), slow clients that cannot starve {@code /health}, a token that shows nowhere, and the
 * control paths (POST, always the token, 403 with none set) with the answers their actions give and a log line
 * no request can forge.
 */
class HttpGuardTest {

    private static final String TOKEN = "ferry-test-token-5c1d7e0a9b";
    private static final String WRONG = "ferry-test-token-000000000";
    private static final Snapshot HEALTHY =
        new Snapshot(1L, true, List.of(), List.of(), List.of(), List.of(), List.of());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger root;
    private Level rootLevel;

    @TempDir
    Path dir;

    @BeforeEach
    void recordEveryLogLine() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void closeAndCheckTheLog() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        root.detachAppender(log);
        root.setLevel(rootLevel);
        assertThat(log.list).as("no log line shows the token")
            .noneMatch(event -> String.valueOf(event.getFormattedMessage()).contains(TOKEN)
                || String.valueOf(event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage())
                    .contains(TOKEN));
    }

    @Test
    void withATokenEveryPathButHealthAndThePageNeedsIt() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));

        for (String path : List.of("/status", "/metrics", "/nothing-here")) {
            HttpResponse<String> without = get(base + path, null);
            assertThat(without.statusCode()).as(path).isEqualTo(401);
            assertThat(without.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ferry\"");
            HttpResponse<String> wrong = get(base + path, "Bearer " + WRONG);
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"ferry\", error=\"invalid_token\"");
            assertThat(get(base + path, "Basic " + TOKEN).statusCode()).as(path).isEqualTo(401);
            assertThat(get(base + path, TOKEN).statusCode()).as(path).isEqualTo(401);
            assertThat(get(base + path, "Bearer " + TOKEN + "x").statusCode()).as(path).isEqualTo(401);
            assertThat(get(base + path, "Bearer " + TOKEN.substring(1)).statusCode()).as(path).isEqualTo(401);
            for (HttpResponse<String> refused : List.of(without, wrong)) {
                assertThat(refused.body()).contains("unauthorized").doesNotContain(TOKEN).doesNotContain(WRONG);
            }
        }
        HttpResponse<String> status = get(base + "/status", "Bearer " + TOKEN);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"healthy\" : true").doesNotContain(TOKEN);
        assertThat(get(base + "/status", "bearer " + TOKEN).statusCode()).as("the scheme in any case").isEqualTo(200);
        assertThat(get(base + "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(base + "/nothing-here", "Bearer " + TOKEN).statusCode()).isEqualTo(404);

        HttpResponse<String> health = get(base + "/health", null);
        assertThat(health.statusCode()).as("/health is open to probes").isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        HttpResponse<String> page = get(base + "/", null);
        assertThat(page.statusCode()).as("the page holds no data; it asks for the token").isEqualTo(200);
        assertThat(page.body()).contains("sessionStorage").contains("Authorization").doesNotContain(TOKEN);
    }

    @Test
    void withoutATokenOnLoopbackEveryPathAnswers() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0));

        assertThat(get(base + "/status", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/nothing-here", null).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
    void readOnlyPathsAnswerOnlyGetAndHead(String method) throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));

        for (String path : List.of("/", "/status", "/health", "/metrics")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, BodyPublishers.ofString("{}")).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(method + " " + path).hasValue("GET, HEAD");
        }
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));

        for (String path : List.of("/", "/status", "/health", "/metrics")) {
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .method("HEAD", BodyPublishers.noBody()).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValueAsLong("Content-Length").orElse(0)).as(path).isPositive();
        }
        assertThat(raw(base, "HEAD /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            .as("no token").startsWith("HTTP/1.1 401");
    }

    @Test
    void onLoopbackTheHostHeaderMustNameLoopback() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0));
        String port = base.substring(base.lastIndexOf(':') + 1);

        for (String host : List.of("localhost", "localhost:" + port, "127.0.0.1:" + port, "127.9.8.7", "[::1]:" + port,
            "LOCALHOST")) {
            assertThat(raw(base, "GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"))
                .as(host).startsWith("HTTP/1.1 200");
        }
        for (String host : List.of("evil.example", "evil.example:" + port, "localhost.evil.example", "127.0.0.1.nip.io",
            "10.0.0.1:" + port, "localhost:http", "")) {
            String answer = raw(base, "GET /status HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(host).startsWith("HTTP/1.1 421").contains("DNS rebinding");
        }
        assertThat(raw(base, "GET /health HTTP/1.0\r\n\r\n")).as("no Host at all").startsWith("HTTP/1.1 421");
        assertThat(raw(base, "GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n"))
            .as("two Host headers").startsWith("HTTP/1.1 421");
    }

    @Test
    void beyondLoopbackAnyHostIsAnsweredWithTheToken() throws Exception {
        String base = start(new HttpConfig("0.0.0.0", 0, Optional.of(TOKEN), false));
        String local = "http://127.0.0.1" + base.substring(base.lastIndexOf(':'));

        assertThat(raw(local, "GET /status HTTP/1.1\r\nHost: ferry.example.com\r\nAuthorization: Bearer " + TOKEN
            + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(raw(local, "GET /status HTTP/1.1\r\nHost: ferry.example.com\r\nConnection: close\r\n\r\n"))
            .startsWith("HTTP/1.1 401");
    }

    @Test
    void halfOpenConnectionsDoNotStarveHealth() throws Exception {
        // The default deadline (5 s): /health must answer while all eight still hold their request open.
        String base = start(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));
        List<Socket> slow = halfOpen(base, 8);

        long started = System.nanoTime();
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ExchangeExecutor.HEADER_DEADLINE);
        assertThat(get(base + "/status", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        for (Socket socket : slow) {
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void aRequestWhoseHeadersDoNotArriveInTimeIsDropped() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0), Duration.ofMillis(300));
        List<Socket> slow = halfOpen(base, ExchangeExecutor.MAX_THREADS + 8);

        // Every one is dropped (after its deadline, or at once when all threads were taken): the server ends it.
        for (Socket socket : slow) {
            socket.setSoTimeout(10_000);
            assertThat(endOfStream(socket.getInputStream())).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(get(base + "/health", null).statusCode()).isEqualTo(200));
        // A client that answers within the deadline is served as before.
        assertThat(raw(base, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            .startsWith("HTTP/1.1 200");
    }

    @Test
    void theTokenShowsInNoAnswerAndNoDescription() throws Exception {
        HttpConfig http = new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false);
        String base = start(http);

        List<String> answers = new ArrayList<>();
        for (String path : List.of("/", "/status", "/health", "/metrics", "/nothing")) {
            for (String authorization : new String[] {null, "Bearer " + TOKEN, "Bearer " + WRONG}) {
                HttpResponse<String> response = get(base + path, authorization);
                answers.add(response.headers().map() + response.body());
            }
        }
        answers.add(raw(base, "GET /status HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + TOKEN
            + "\r\nConnection: close\r\n\r\n"));
        answers.add(raw(base, "DELETE /status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
            + "\r\nConnection: close\r\n\r\n"));

        assertThat(answers).noneMatch(answer -> answer.contains(TOKEN));
        assertThat(http.toString()).doesNotContain(TOKEN);
        assertThat(BearerToken.of(TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void validateRefusesListeningBeyondLoopbackWithoutATokenInOneLine() throws IOException {
        Path file = configWith("http: {listen: 0.0.0.0:7070}");

        for (String command : List.of("validate", "run", "status")) {
            CliTest.Outcome outcome = CliTest.run(command, "--config", file.toString());
            assertThat(outcome.code()).as(command).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(command).hasSize(1);
            assertThat(outcome.err()).as(command).startsWith(file + ": http.token: missing: http.listen '0.0.0.0:7070'"
                + " is not a loopback address").contains("allowUnauthenticated: true");
        }
    }

    @Test
    void validateRefusesABadTokenWithoutShowingIt() throws IOException {
        String weak = "tooShort-" + TOKEN.substring(0, 4);
        Path file = configWith("http: {listen: 0.0.0.0:7070, token: " + weak + "}");

        CliTest.Outcome outcome = CliTest.run("validate", "--config", file.toString());

        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines()).hasSize(1);
        assertThat(outcome.err()).startsWith(file + ": http.token: not a usable bearer token").doesNotContain(weak);
        assertThat(outcome.out()).doesNotContain(weak);
    }

    @Test
    void theDemoServesLoopbackOnly() {
        CliTest.Outcome outcome = CliTest.run("demo", "--duration", "1", "--http", "0.0.0.0:0");

        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip()).isEqualTo("ferry: --http: '0.0.0.0' is not a loopback address; this endpoint"
            + " has no token, so it listens on localhost or 127.x.x.x only (serve beyond loopback with bin/ferry run"
            + " and http.token)");
    }

    @Test
    void statusSendsTheTokenOfTheFile() throws Exception {
        String base = start(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));
        Path file = configWith("http: {listen: '" + base.substring("http://".length()) + "', token: " + TOKEN + "}");

        CliTest.Outcome outcome = CliTest.run("status", "--config", file.toString());

        assertThat(outcome.code()).isZero();
        assertThat(outcome.out()).contains("Ferry at " + base + "/ is healthy").doesNotContain(TOKEN);
    }

    @Test
    void aControlPathTakesPostAndTheTokenAndAnswersByItsOutcome() throws Exception {
        List<Map<String, String>> performed = new ArrayList<>();
        StatusServer server = server(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));
        server.control("/pause", parameters -> {
            performed.add(parameters);
            if (parameters.containsKey("busy")) {
                throw new IllegalStateException("not now: " + parameters.get("busy"));
            }
            if (!parameters.containsKey("backup")) {
                throw new IllegalArgumentException("name the backup: ?backup=NAME");
            }
            return "paused " + parameters.get("backup");
        });
        String base = base(server);

        assertThat(post(base + "/pause?backup=x", null).statusCode()).isEqualTo(401);
        assertThat(post(base + "/pause?backup=x", "Bearer " + WRONG).statusCode()).isEqualTo(401);
        HttpResponse<String> get = get(base + "/pause?backup=x", "Bearer " + TOKEN);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(post(base + "/pause/more?backup=x", "Bearer " + TOKEN).statusCode())
            .as("not a control path: read-only").isEqualTo(405);
        assertThat(get(base + "/pause/more?backup=x", "Bearer " + TOKEN).statusCode())
            .as("the JDK server routes /pause/more to /pause's handler; it answers its own path only").isEqualTo(404);
        assertThat(performed).as("nothing refused reached the action").isEmpty();

        HttpResponse<String> done = post(base + "/pause?backup=orders%2Ddr&direction=a-%3Eb", "Bearer " + TOKEN);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("paused orders-dr\n");
        assertThat(performed).containsExactly(Map.of("backup", "orders-dr", "direction", "a->b"));

        HttpResponse<String> bad = post(base + "/pause?direction=a-%3Eb", "Bearer " + TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("name the backup: ?backup=NAME\n");
        assertThat(post(base + "/pause?backup=x&backup=y", "Bearer " + TOKEN).body())
            .isEqualTo("query parameter 'backup' is given twice\n");
        HttpResponse<String> busy = post(base + "/pause?busy=reloading", "Bearer " + TOKEN);
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(busy.body()).isEqualTo("not now: reloading\n");
        assertThat(performed).hasSize(3);
    }

    @Test
    void aControlRequestCannotForgeALogLine() throws Exception {
        StatusServer server = server(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));
        server.control("/pause", parameters -> "paused " + parameters.get("backup"));

        HttpResponse<String> done =
            post(base(server) + "/pause?backup=x%0D%0AERROR+forged%1B%5B31m", "Bearer " + TOKEN);

        assertThat(done.body()).isEqualTo("paused x\r\nERROR forged\u001b[31m\n");
        assertThat(log.list).filteredOn(event -> event.getLoggerName().equals(ControlExchange.class.getName()))
            .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
            .endsWith(": 200 paused x\\r\\nERROR forged\\u001b[31m").doesNotContain("\n", "\r", "\u001b");
        assertThat(ControlExchange.escaped("a\tb\u0000c\u007f\u0085d \u00e9"))
            .isEqualTo("a\\tb\\u0000c\\u007f\\u0085d \u00e9");
    }

    @Test
    void onLoopbackWithoutATokenAControlPathIsRefused() throws Exception {
        List<Map<String, String>> performed = new ArrayList<>();
        StatusServer server = server(new HttpConfig("127.0.0.1", 0));
        server.control("/reload", parameters -> {
            performed.add(parameters);
            return "reloaded";
        });

        HttpResponse<String> refused = post(base(server) + "/reload", null);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("set http.token");
        assertThat(performed).isEmpty();
        assertThat(get(base(server) + "/status", null).statusCode()).as("reading needs no token on loopback")
            .isEqualTo(200);
    }

    @Test
    void theCommandsSendTheTokenOfTheFileAndExitByTheAnswer() throws Exception {
        StatusServer server = server(new HttpConfig("127.0.0.1", 0, Optional.of(TOKEN), false));
        server.control("/resume", parameters -> {
            if (parameters.get("backup").equals("nope")) {
                throw new IllegalArgumentException("no backup named 'nope'");
            }
            return "resumed " + parameters.get("backup");
        });
        RunningFerry running = RunningFerry.of(ConfigLoader.load(
            configWith("http: {listen: '" + base(server).substring("http://".length()) + "', token: " + TOKEN + "}")));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(running.control("/resume", Map.of("backup", "x"), new PrintWriter(out), new PrintWriter(err)))
            .isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).isEqualTo("resumed x\n");
        assertThat(running.control("/resume", Map.of("backup", "nope"), new PrintWriter(out), new PrintWriter(err)))
            .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("answered 400: no backup named 'nope'").doesNotContain(TOKEN);

        opened.remove(server);
        server.close();
        StringWriter gone = new StringWriter();
        assertThat(running.control("/resume", Map.of("backup", "x"), new PrintWriter(out), new PrintWriter(gone)))
            .isEqualTo(ExitCodes.FAILED);
        assertThat(gone.toString()).contains("no Ferry answers at http://127.0.0.1:")
            .contains("is 'bin/ferry run' running with this file?");
    }

    /** A config file of two embedded clusters and one backup, with {@code http} as its http section. */
    private Path configWith(String http) throws IOException {
        return Files.writeString(dir.resolve("ferry.yaml"), """
            clusters:
              a: {embedded: true}
              b: {embedded: true}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            """ + http + "\n");
    }

    private String start(HttpConfig http) throws IOException {
        return start(http, ExchangeExecutor.HEADER_DEADLINE);
    }

    private StatusServer server(HttpConfig http) throws IOException {
        StatusServer server = StatusServer.start(http, () -> HEALTHY, () -> "# metrics\n");
        opened.add(server);
        return server;
    }

    private static String base(StatusServer server) {
        return "http://" + server.address();
    }

    private static HttpResponse<String> post(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String start(HttpConfig http, Duration headerDeadline) throws IOException {
        StatusServer server = StatusServer.start(http, () -> HEALTHY, () -> "# metrics\n", headerDeadline);
        opened.add(server);
        String address = server.address();
        return "http://" + (address.startsWith("0.0.0.0") ? "127.0.0.1" + address.substring(7) : address);
    }

    /** {@code count} connections that each send the start of a request line, and nothing more. */
    private List<Socket> halfOpen(String base, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = connect(base);
            opened.add(socket);
            socket.getOutputStream().write("GET /hea".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        return sockets;
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static Socket connect(String base) throws IOException {
        URI uri = URI.create(base);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        return socket;
    }

    /** Sends {@code request} as written (any Host header, or none) and reads the answer to the end. */
    private static String raw(String base, String request) throws IOException {
        try (Socket socket = connect(base)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
