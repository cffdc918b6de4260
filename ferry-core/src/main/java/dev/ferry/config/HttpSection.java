package dev.ferry.config;

import java.util.List;

/** Reads {@code http}: where the status, metrics and dashboard server listens. */
final class HttpSection {

    private HttpSection() {
    }

    static HttpConfig read(Node http) throws ConfigException {
        if (http.isAbsent()) {
            return HttpConfig.DEFAULT;
        }
        http.map("a map with listen, e.g. {listen: 127.0.0.1:7070}").allowOnly(List.of("listen"));
        Node listen = http.get("listen");
        if (listen.isAbsent()) {
            return HttpConfig.DEFAULT;
        }
        String text = listen.text();
        // Port 0 is accepted: it asks for any free port (tests, several Ferries on one machine).
        HostPort address = HostPort.parse(text, 0).orElseThrow(() -> listen.problem(
            Node.quote(text) + " is not host:port (e.g. 127.0.0.1:7070; port 0-65535)"));
        return new HttpConfig(address.host(), address.port());
    }
}
