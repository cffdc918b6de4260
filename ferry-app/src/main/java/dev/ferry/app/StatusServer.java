package dev.ferry.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.backup.Ferry;
import dev.ferry.config.HttpConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of a running Ferry: {@code GET /status} (JSON, what {@code bin/ferry status} prints) and
 * {@code GET /health} (200 only while every link copies). JDK's built-in server: two small endpoints do not
 * earn a web framework.
 */
final class StatusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    static StatusServer start(HttpConfig http, Ferry ferry) throws IOException {
        return start(http, ferry::status, ferry::checkpoints);
    }

    static StatusServer start(HttpConfig http, Supplier<List<LinkStatus>> status,
                              Supplier<List<CheckpointStatus>> checkpoints) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + http + " (http.listen): " + e.getMessage()
                + "; set http.listen to a free address, e.g. 127.0.0.1:0", e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferry-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", exchange -> respond(exchange, 200,
            JSON.writeValueAsBytes(Map.of("links", status.get(), "checkpoints", checkpoints.get())),
            "application/json"));
        server.createContext("/health", exchange -> {
            List<LinkStatus> links = status.get();
            boolean healthy = !links.isEmpty() && links.stream()
                .allMatch(l -> l.state() == LinkState.RUNNING || l.state() == LinkState.CATCHING_UP);
            respond(exchange, healthy ? 200 : 503, (healthy ? "ok\n" : "unhealthy\n").getBytes(StandardCharsets.UTF_8),
                "text/plain");
        });
        server.start();
        return new StatusServer(server);
    }

    String address() {
        InetSocketAddress address = server.getAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    private static void respond(HttpExchange exchange, int code, byte[] body, String type) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
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
