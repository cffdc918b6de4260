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
 *   <li><b>Method</b>: every other path is read-only, so GET and HEAD only, else <b>405</b> with
 *       {@code Allow: GET, HEAD}.</li>
 * </ol>
 * A <b>control path</b> (one that changes what Ferry does: {@code /reload}, {@code /pause}, {@code /resume}; see
 * {@link ControlAction}) has checks of its own after the {@code Host} check: <b>POST</b> only (else 405 with
 * {@code Allow: POST}), and <b>always the token</b>, even on loopback, where any local user or process could
 * otherwise stop a backup: a Ferry with no {@code http.token} answers <b>403</b> saying to set one, and a missing or
 * wrong token is 401 as above.
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
    private final Set<String> controlPaths;

    /** Guards with {@code http}'s settings; {@code controlPaths} is read on every request (paths may be added). */
    HttpGuard(HttpConfig http, Set<String> controlPaths) {
        this.loopback = http.loopback();
        this.token = http.token().map(BearerToken::of);
        this.controlPaths = controlPaths;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (loopback && !loopbackHost(exchange.getRequestHeaders().get("Host"))) {
            Reply.text(exchange, 421, "misdirected request: this Ferry listens on loopback and answers only a Host of"
                + " localhost, 127.x.x.x or [::1] (a guard against DNS rebinding)\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (controlPaths.contains(path)) {
            if (!method.equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                Reply.text(exchange, 405, "method not allowed: " + path + " changes what Ferry does: POST only\n");
                return;
            }
            if (token.isEmpty()) {
                Reply.text(exchange, 403, "forbidden: " + path + " needs a token, and this Ferry has no http.token;"
                    + " set http.token in its configuration file and restart it\n");
                return;
            }
            if (admitted(exchange)) {
                chain.doFilter(exchange);
            }
            return;
        }
        if (token.isPresent() && !OPEN.contains(path) && !admitted(exchange)) {
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", ALLOWED_METHODS);
            Reply.text(exchange, 405, "method not allowed: " + path + " is read-only (GET or HEAD)\n");
            return;
        }
        chain.doFilter(exchange);
    }

    /** Whether the request carries this Ferry's token; if not, answers 401 and returns false. */
    private boolean admitted(HttpExchange exchange) throws IOException {
        List<String> authorization = exchange.getRequestHeaders().get("Authorization");
        if (token.orElseThrow().admits(authorization)) {
            return true;
        }
        boolean offered = authorization != null;
        exchange.getResponseHeaders().set("WWW-Authenticate",
            "Bearer realm=\"ferry\"" + (offered ? ", error=\"invalid_token\"" : ""));
        Reply.text(exchange, 401, offered
            ? "unauthorized: the bearer token is not this Ferry's http.token\n"
            : "unauthorized: send Authorization: Bearer <token>, the token of this Ferry's http.token\n");
        return false;
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
