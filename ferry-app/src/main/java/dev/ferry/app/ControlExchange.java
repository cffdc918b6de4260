package dev.ferry.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ControlAction} for one request and answers as {@link ControlAction} says. The parameters come from
 * the query string only; a request's body is not read (the guard has already refused every method but POST).
 *
 * <p>Every request that reaches an action is logged at INFO with who asked (the request's remote address: behind
 * a proxy, the proxy's), what it asked and the answer, so that a pause found in the morning can be traced:
 * {@code POST /pause?backup=orders-dr from 127.0.0.1:52114: 200 paused orders-dr: hangzhou -> shanghai}.
 * Only the token's holders get this far; the query is logged as sent (URL-encoded), and both it and the answer, which
 * may repeat decoded parameters, with their control characters escaped ({@code \n}, {@code \r},
 * {@code \u001b}...), so that no request can forge a log line of its own.
 */
final class ControlExchange implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ControlExchange.class);

    private final String path;
    private final ControlAction action;

    ControlExchange(String path, ControlAction action) {
        this.path = path;
        this.action = action;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            // The JDK server routes by prefix: /pause/x would reach /pause's handler, past the guard's exact check.
            Reply.text(exchange, 404, "not found: " + exchange.getRequestURI().getPath() + "\n");
            return;
        }
        int code;
        String text;
        try {
            text = action.perform(parameters(exchange.getRequestURI().getRawQuery()));
            code = 200;
        } catch (IllegalArgumentException e) {
            code = 400;
            text = e.getMessage();
        } catch (IllegalStateException e) {
            code = 409;
            text = e.getMessage();
        } catch (Exception e) {
            code = 500;
            text = "failed: " + e.getMessage();
        }
        text = text == null ? "(no message)" : text;
        String query = exchange.getRequestURI().getRawQuery();
        LOG.info("POST {}{} from {}: {} {}", path, query == null ? "" : "?" + escaped(query), who(exchange), code,
            escaped(text.strip()));
        Reply.text(exchange, code, text.endsWith("\n") ? text : text + "\n");
    }

    /** {@code text} on one line: each ISO control character as {@code \n}, {@code \r}, {@code \t} or {@code \}uXXXX. */
    static String escaped(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        text.chars().forEach(c -> {
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        escaped.append(String.format("\\u%04x", c));
                    } else {
                        escaped.append((char) c);
                    }
                }
            }
        });
        return escaped.toString();
    }

    private static String who(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote.getAddress() == null ? remote.toString()
            : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    /** {@code a=1&b=x%3Ey} as {a=1, b=x>y}; a name given twice, or without {@code =}, is refused. */
    static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("query parameter '" + decode(pair) + "' has no name=value form");
            }
            String name = decode(pair.substring(0, equals));
            if (parameters.put(name, decode(pair.substring(equals + 1))) != null) {
                throw new IllegalArgumentException("query parameter '" + name + "' is given twice");
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
