package dev.ferry.app;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.Loopback;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask the HTTP endpoint what: a filter in front of every path. Three checks, in this order, each with an
 * answer of its own:
 * <ol>
 *   <li><b>Host</b>, only when {@code http.listen} is loopback: the {@code Host} header must name loopback
 *       ({@code localhost}, 127.0.0.0/8, {@code [::1]}, any port), else <b>421 Misdirected Request</b>. This blocks
 *       DNS rebinding: a page from {@code evil.example} whose name is later pointed at 127.0.0.1 reaches this port
 *       from the operator's browser, but its requests say {@code Host: evil.example}.</li>
 *   <li><b>Token</b>, only when {@code http.token} is set: every path but {@code /health} (for probes) and the
 *       dashboard page {@code /} (a constant page that holds no data; it asks for the token and sends it with each
 *       {@code /status}) needs {@code Authorization: Bearer <token>}, else <b>401</b> with
 *       {@code WWW-Authenticate: Bearer realm="ferry"}; a wrong token adds {@code error="invalid_token"}.</li>
 *   <li><b>Method</b>: every path is read-only, so GET and HEAD only, else <b>405</b> with
 *       {@code Allow: GET, HEAD}.</li>
 * </ol>
 * A path that changes state, when one comes, takes POST only and needs the token even on loopback (and a loopback
 * Ferry that has none must then refuse it): give it a check of its own here rather than a read-only exemption.
 *
 * <p>Nothing here logs, and no answer repeats what the request carried: the token appears in no log line, body or
 * exception text.
 */
final class HttpGuard extends Filter {

    /** The paths that answer without the token. */
    static final Set<String> OPEN = Set.of("/health", "/");
    static final String ALLOWED_METHODS = "GET, HEAD";

    private final boolean loopback;
    private final Optional<BearerToken> token;

    HttpGuard(HttpConfig http) {
        this.loopback = http.loopback();
        this.token = http.token().map(BearerToken::of);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (loopback && !loopbackHost(exchange.getRequestHeaders().get("Host"))) {
            Reply.text(exchange, 421, "misdirected request: this Ferry listens on loopback and answers only a Host of"
                + " localhost, 127.x.x.x or [::1] (a guard against DNS rebinding)\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (token.isPresent() && !OPEN.contains(path)) {
            List<String> authorization = exchange.getRequestHeaders().get("Authorization");
            if (!token.get().admits(authorization)) {
                boolean offered = authorization != null;
                exchange.getResponseHeaders().set("WWW-Authenticate",
                    "Bearer realm=\"ferry\"" + (offered ? ", error=\"invalid_token\"" : ""));
                Reply.text(exchange, 401, offered
                    ? "unauthorized: the bearer token is not this Ferry's http.token\n"
                    : "unauthorized: send Authorization: Bearer <token>, the token of this Ferry's http.token\n");
                return;
            }
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", ALLOWED_METHODS);
            Reply.text(exchange, 405, "method not allowed: " + path + " is read-only (GET or HEAD)\n");
            return;
        }
        chain.doFilter(exchange);
    }

    /** Whether the request's {@code Host} headers are one header naming loopback, with or without a port. */
    static boolean loopbackHost(List<String> host) {
        if (host == null || host.size() != 1) {
            return false;
        }
        String value = host.get(0).strip();
        String name;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            name = end < 0 ? value : value.substring(0, end + 1);
            String rest = end < 0 ? "" : value.substring(end + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return false;
            }
        } else {
            int colon = value.indexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
            if (colon >= 0 && !value.substring(colon).matches(":[0-9]{1,5}")) {
                return false;
            }
        }
        return Loopback.isLoopback(name);
    }

    @Override
    public String description() {
        return "Host, bearer token and method checks";
    }
}
