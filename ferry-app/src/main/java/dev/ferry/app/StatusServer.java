package dev.ferry.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.backup.Ferry;
import dev.ferry.config.HttpConfig;
import dev.ferry.watch.Snapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of a running Ferry, on {@code http.listen}:
 * <ul>
 *   <li>{@code GET /}: the dashboard, one self-contained page that polls {@code /status} every second;</li>
 *   <li>{@code GET /status}: JSON, the newest {@link Snapshot} (what {@code bin/ferry status} prints);</li>
 *   <li>{@code GET /health}: 200 only while every link copies (running or catching up), else 503 with why;</li>
 *   <li>{@code GET /metrics}: Prometheus text format (see {@link dev.ferry.watch.FerryMetrics}).</li>
 * </ul>
 * Every answer is read from the Watch's newest sample, so none waits on a cluster. JDK's built-in server: four
 * small endpoints do not earn a web framework.
 */
final class StatusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DASHBOARD = "dashboard.html";

    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    /** Where a Ferry started with it records what {@code /metrics} serves. */
    static PrometheusMeterRegistry metrics() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Serves {@code ferry}'s status, health, dashboard, and the metrics it was started with. */
    static StatusServer start(HttpConfig http, Ferry ferry, PrometheusMeterRegistry metrics) throws IOException {
        return start(http, ferry::snapshot, metrics::scrape);
    }

    static StatusServer start(HttpConfig http, Supplier<Snapshot> snapshot, Supplier<String> metrics)
        throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + http + " (http.listen): " + e.getMessage()
                + "; set http.listen to a free address, e.g. 127.0.0.1:0", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ferry-http");
            t.setDaemon(true);
            return t;
        }));
        byte[] dashboard = dashboard();
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 404, ("not found: " + exchange.getRequestURI().getPath()
                    + " (try /, /status, /health or /metrics)\n").getBytes(StandardCharsets.UTF_8), "text/plain");
                return;
            }
            respond(exchange, 200, dashboard, "text/html; charset=utf-8");
        });
        server.createContext("/status", exchange -> respond(exchange, 200, JSON.writeValueAsBytes(snapshot.get()),
            "application/json"));
        server.createContext("/health", exchange -> {
            Snapshot now = snapshot.get();
            String body = now.healthy() ? "ok\n" : "unhealthy\n" + String.join("\n", now.problems()) + "\n";
            respond(exchange, now.healthy() ? 200 : 503, body.getBytes(StandardCharsets.UTF_8), "text/plain");
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200,
            metrics.get().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8"));
        server.start();
        return new StatusServer(server);
    }

    private static byte[] dashboard() {
        try (InputStream page = StatusServer.class.getResourceAsStream(DASHBOARD)) {
            if (page == null) {
                throw new IllegalStateException(DASHBOARD + " is missing from the classpath: rebuild Ferry");
            }
            return page.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        InetSocketAddress address = server.getAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    private static void respond(HttpExchange exchange, int code, byte[] body, String type) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
