package dev.ferry.config;

import java.util.List;
import java.util.Optional;

/**
 * Reads {@code http}: where the status, metrics and dashboard server listens, and its bearer token. Listening
 * beyond loopback needs {@code token} (from the environment, {@code ${FERRY_HTTP_TOKEN}}, or a file) or an
 * explicit {@code allowUnauthenticated: true}. No message ever shows the token.
 */
final class HttpSection {

    private static final List<String> KEYS = List.of("listen", "token", "allowUnauthenticated");

    private HttpSection() {
    }

    static HttpConfig read(Node http) throws ConfigException {
        if (http.isAbsent()) {
            return HttpConfig.DEFAULT;
        }
        http.map("a map with listen and, beyond loopback, token, e.g. {listen: 127.0.0.1:7070}").allowOnly(KEYS);
        HostPort address = listen(http.get("listen"));
        Node tokenNode = http.get("token");
        Optional<String> token = tokenNode.optionalSecret();
        if (token.isPresent() && !HttpConfig.TOKEN.matcher(token.get()).matches()) {
            throw tokenNode.problem("not a usable bearer token: at least 16 characters, only A-Z a-z 0-9 - . _ ~ + /"
                + " (and = at the end), e.g. from 'openssl rand -hex 32' (the value is not shown)");
        }
        Node allowNode = http.get("allowUnauthenticated");
        boolean allowUnauthenticated = allowNode.flag(false);
        if (token.isPresent() && allowUnauthenticated) {
            throw allowNode.problem("true, but http.token is set too (a token is always required once set);"
                + " remove one of them");
        }
        if (!Loopback.isLoopback(address.host()) && token.isEmpty() && !allowUnauthenticated) {
            throw tokenNode.problem("missing: http.listen " + Node.quote(address.host() + ":" + address.port())
                + " is not a loopback address, so the endpoint needs a bearer token (e.g. token: ${FERRY_HTTP_TOKEN})"
                + ", or allowUnauthenticated: true to serve status and metrics to anyone who reaches it");
        }
        return new HttpConfig(address.host(), address.port(), token, allowUnauthenticated);
    }

    private static HostPort listen(Node listen) throws ConfigException {
        if (listen.isAbsent()) {
            return new HostPort(HttpConfig.DEFAULT.host(), HttpConfig.DEFAULT.port());
        }
        String text = listen.text();
        // Port 0 is accepted: it asks for any free port (tests, several Ferries on one machine).
        return HostPort.parse(text, 0).orElseThrow(() -> listen.problem(
            Node.quote(text) + " is not host:port (e.g. 127.0.0.1:7070; port 0-65535)"));
    }
}
