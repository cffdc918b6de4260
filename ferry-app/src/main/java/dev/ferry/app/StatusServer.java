package dev.ferry.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.backup.Ferry;
import dev.ferry.config.HttpConfig;
import dev.ferry.watch.Snapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of a running Ferry, on {@code http.listen}:
 * <ul>
 *   <li>{@code GET /}: the dashboard, one self-contained page that polls {@code /status} every second;</li>
 *   <li>{@code GET /status}: JSON, the newest {@link Snapshot} (what {@code bin/ferry status} prints);</li>
 *   <li>{@code GET /health}: 200 only while every link copies (running or catching up) or is paused, else 503 with
 *       why; paused links listed;</li>
 *   <li>{@code GET /metrics}: Prometheus text format (see {@link dev.ferry.watch.FerryMetrics});</li>
 *   <li>{@code POST} to a control path added with {@link #control}: an operator's request to change what Ferry does.</li>
 * </ul>
 * Every path is guarded by {@link HttpGuard} (loopback {@code Host}, bearer token, GET and HEAD only; POST and
 * always the token on a control path), and every
 * exchange runs on an {@link ExchangeExecutor}, which drops a client that does not finish its request in time.
 * Every read-only answer is read from the Watch's newest sample, so none waits on a cluster. JDK's built-in server: four
 * small read-only endpoints do not earn a web framework.
 */
final class StatusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DASHBOARD = "dashboard.html";

    private final HttpServer server;
    private final ExchangeExecutor executor;
    private final List<Filter> filters;
    private final Set<String> controlPaths;

    private StatusServer(HttpServer server, ExchangeExecutor executor, List<Filter> filters, Set<String> controlPaths) {
        this.server = server;
        this.executor = executor;
        this.filters = filters;
        this.controlPaths = controlPaths;
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
        return start(http, snapshot, metrics, ExchangeExecutor.HEADER_DEADLINE);
    }

    /** As above, with a request's headers due within {@code headerDeadline} (for testing). */
    static StatusServer start(HttpConfig http, Supplier<Snapshot> snapshot, Supplier<String> metrics,
                              Duration headerDeadline) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + http + " (http.listen): " + e.getMessage()
                + "; set http.listen to a free address, e.g. 127.0.0.1:0", e);
        }
        ExchangeExecutor executor = new ExchangeExecutor(headerDeadline, ExchangeExecutor.EXCHANGE_DEADLINE);
        server.setExecutor(executor);
        byte[] dashboard = dashboard();
        Set<String> controlPaths = ConcurrentHashMap.newKeySet();
        List<Filter> filters = List.of(Filter.beforeHandler("request headers read", exchange -> executor.headersRead()),
            new HttpGuard(http, controlPaths));
        route(server, filters, "/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                Reply.text(exchange, 404, "not found: " + exchange.getRequestURI().getPath()
                    + " (try /, /status, /health or /metrics)\n");
                return;
            }
            Reply.send(exchange, 200, dashboard, "text/html; charset=utf-8");
        });
        route(server, filters, "/status", exchange -> Reply.send(exchange, 200,
            JSON.writeValueAsBytes(snapshot.get()), "application/json"));
        route(server, filters, "/health", exchange -> {
            Snapshot now = snapshot.get();
            // A failed reload changed nothing that runs: a line, not a 503 (see docs/contract.md). Its error names
            // paths, keys and values of the file: it stays in /status, which the token guards, not here.
            String reload = now.reload().brief().map(line -> line + "\n").orElse("");
            Reply.text(exchange, now.healthy() ? 200 : 503, (now.healthy() ? "ok\n"
                : "unhealthy\n" + String.join("\n", now.problems()) + "\n") + PauseControl.pausedLines(now) + reload);
        });
        route(server, filters, "/metrics", exchange -> Reply.send(exchange, 200,
            metrics.get().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8"));
        server.start();
        return new StatusServer(server, executor, filters, controlPaths);
    }

    /**
     * Answers {@code POST path} with {@code action} (see {@link ControlAction} for the answers), for the token's
     * holder only (see {@link HttpGuard}).
     */
    void control(String path, ControlAction action) {
        if (!controlPaths.add(path)) {
            throw new IllegalArgumentException(path + " already has a control action");
        }
        route(server, filters, path, new ControlExchange(path, action));
    }

    private static void route(HttpServer server, List<Filter> filters, String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().addAll(filters);
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

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
