package dev.ferry.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where Ferry's status, metrics and dashboard server listens, and who may ask it. Loopback by default.
 *
 * <p>Invariant, checked here so that no caller can build one without it: a listener beyond loopback has a
 * {@code token}, or says {@code allowUnauthenticated} out loud. A token and {@code allowUnauthenticated} never
 * come together. The token never shows: {@link #toString()} is {@code host:port}.
 *
 * @param host                 a host name or address literal; see {@link Loopback}
 * @param port                 0 to 65535 (0: any free port)
 * @param token                the bearer token every request but {@code /health} must carry, when set
 * @param allowUnauthenticated whether a listener beyond loopback may serve without a token
 */
public record HttpConfig(String host, int port, Optional<String> token, boolean allowUnauthenticated) {

    public static final HttpConfig DEFAULT = new HttpConfig("127.0.0.1", 7070);

    /**
     * What a bearer token may be: RFC 6750's {@code b64token}, at least 16 characters (so that guessing it over
     * HTTP is hopeless), e.g. the output of {@code openssl rand -hex 32}.
     */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]{16,}=*");

    public HttpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(token, "token");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        if (token.isPresent() && !TOKEN.matcher(token.get()).matches()) {
            // Never the value itself: it may be a real token with a typo.
            throw new IllegalArgumentException("the HTTP token is not at least 16 of A-Z a-z 0-9 - . _ ~ + /");
        }
        if (token.isPresent() && allowUnauthenticated) {
            throw new IllegalArgumentException("an HTTP token and allowUnauthenticated exclude each other");
        }
        if (!Loopback.isLoopback(host) && token.isEmpty() && !allowUnauthenticated) {
            throw new IllegalArgumentException(host + " is not a loopback address: the HTTP endpoint needs a token"
                + " there (or allowUnauthenticated)");
        }
    }

    /** A listener without a token: loopback, or refused. */
    public HttpConfig(String host, int port) {
        this(host, port, Optional.empty(), false);
    }

    /** Whether it listens on loopback only (then requests must name a loopback {@code Host}, too). */
    public boolean loopback() {
        return Loopback.isLoopback(host);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
