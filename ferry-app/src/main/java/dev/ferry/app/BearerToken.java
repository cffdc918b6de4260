package dev.ferry.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * The token {@code http.token} asks every request for, as {@code Authorization: Bearer <token>}. Held only as its
 * SHA-256, and compared in constant time ({@link MessageDigest#isEqual} on two digests of the same length), so
 * neither the time an answer takes nor a heap dump gives the token away. It prints as {@code BearerToken(not shown)}.
 */
final class BearerToken {

    private static final String SCHEME = "bearer ";

    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    static BearerToken of(String token) {
        return new BearerToken(sha256(token));
    }

    /**
     * Whether a request whose {@code Authorization} headers are {@code authorization} carries this token: exactly
     * one header, scheme {@code Bearer} (any case), then the token.
     */
    boolean admits(List<String> authorization) {
        if (authorization == null || authorization.size() != 1) {
            return false;
        }
        String header = authorization.get(0).strip();
        if (!header.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(header.substring(SCHEME.length()).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken(not shown)";
    }
}
