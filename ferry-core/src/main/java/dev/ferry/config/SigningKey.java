package dev.ferry.config;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key the Ferry processes of a deployment share to sign the stamps they put on copies ({@code signingKey}
 * at the top of the configuration, usually {@code ${file:/run/secrets/ferry-signing-key}}). With it, Ferry
 * trusts a message's {@code FERRY_*} stamp only when its signature verifies; see {@code docs/security.md}.
 *
 * <p>The key is the UTF-8 bytes of the configured text, at least {@value #MIN_BYTES} of them (HMAC-SHA256's own
 * output length): {@code openssl rand -base64 48} makes a good one. Neither {@link #toString()} nor any problem
 * reported while reading it shows the key; {@link #id()} is a fingerprint that says whether two processes have
 * the same key without revealing it.
 */
public final class SigningKey {

    public static final int MIN_BYTES = 32;
    static final String KEY = "signingKey";
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] bytes;

    private SigningKey(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** A key of these bytes; for tests and tools, where there is no configuration file to name. */
    public static SigningKey of(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("a signing key needs at least " + MIN_BYTES + " bytes, this has "
                + bytes.length);
        }
        return new SigningKey(bytes);
    }

    /** Reads {@code signingKey}: absent when not configured; a problem naming the key (never its value). */
    static Optional<SigningKey> read(Node key) throws ConfigException {
        if (key.isAbsent()) {
            return Optional.empty();
        }
        byte[] bytes = key.secret().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw key.problem("too short: " + bytes.length + " bytes, at least " + MIN_BYTES + " are needed"
                + " (e.g. openssl rand -base64 48 > /run/secrets/ferry-signing-key)");
        }
        return Optional.of(new SigningKey(bytes));
    }

    /** The key as HMAC-SHA256 takes it. */
    public SecretKey hmacKey() {
        return new SecretKeySpec(bytes, ALGORITHM);
    }

    /**
     * 8 hex digits that differ between keys, to compare processes' keys in their logs: the start of an HMAC of a
     * fixed text under the key, which says nothing of the key itself.
     */
    public String id() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(hmacKey());
            byte[] digest = mac.doFinal("ferry signing key id".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningKey key && MessageDigest.isEqual(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SigningKey[id=" + id() + "]";
    }
}
