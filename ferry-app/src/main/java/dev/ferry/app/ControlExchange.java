package dev.ferry.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a {@link ControlAction} for one request and answers as {@link ControlAction} says. The parameters come from
 * the query string only; a request's body is not read (the guard has already refused every method but POST).
 */
final class ControlExchange implements HttpHandler {

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
        Reply.text(exchange, code, text.endsWith("\n") ? text : text + "\n");
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
