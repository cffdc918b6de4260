package dev.ferry.app;

import dev.ferry.config.HttpConfig;

/** Reads a {@code host:port} given on the command line. */
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
            return new HttpConfig(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new Failures.BadInput("ferry: " + option + ": port must be 0..65535, got '" + value.substring(colon + 1) + "'");
        }
    }
}
