package dev.ferry.app;

import dev.ferry.config.HttpConfig;
import dev.ferry.config.Loopback;

/** Reads a {@code host:port} given on the command line: a loopback one, since it comes with no token. */
final class HttpAddress {

    private HttpAddress() {
    }

    static HttpConfig parse(String option, String value) throws Failures.BadInput {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new Failures.BadInput("ferry: " + option + ": expected host:port, got '" + value + "'");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            String host = value.substring(0, colon);
            if (!Loopback.isLoopback(host)) {
                throw new Failures.BadInput("ferry: " + option + ": '" + host + "' is not a loopback address;"
                    + " this endpoint has no token, so it listens on localhost or 127.x.x.x only"
                    + " (serve beyond loopback with bin/ferry run and http.token)");
            }
            return new HttpConfig(host, port);
        } catch (NumberFormatException e) {
            throw new Failures.BadInput("ferry: " + option + ": port must be 0..65535, got '" + value.substring(colon + 1) + "'");
        }
    }
}
