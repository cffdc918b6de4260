package dev.ferry.config;

/**
 * Where Ferry's status, metrics and dashboard server listens. Loopback by default.
 */
public record HttpConfig(String host, int port) {

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 7070);

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
