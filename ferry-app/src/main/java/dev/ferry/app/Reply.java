package dev.ferry.app;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** How the HTTP endpoint answers: one status, type and body; to {@code HEAD}, the same headers and no body. */
final class Reply {

    static final String TEXT = "text/plain; charset=utf-8";

    private Reply() {
    }

    static void text(HttpExchange exchange, int code, String text) throws IOException {
        send(exchange, code, text.getBytes(StandardCharsets.UTF_8), TEXT);
    }

    static void send(HttpExchange exchange, int code, byte[] body, String type) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        if (exchange.getRequestMethod().equals("HEAD")) {
            // The JDK server wants a HEAD answer's length set by hand, and -1 passed (it warns otherwise).
            headers.set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
            return;
        }
        // 0 would mean "chunked" to the JDK server; -1 is "no body".
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
