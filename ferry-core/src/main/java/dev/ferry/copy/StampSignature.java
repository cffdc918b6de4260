package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.apache.rocketmq.common.message.MessageConst;

/**
 * The signature a Ferry with a {@code signingKey} puts on the stamps it writes, in {@link FerryNames#SIGNATURE},
 * so that the next Ferry of the deployment can tell its stamps from a producer's: only a holder of the key can
 * make one that verifies. See docs/security.md.
 *
 * <p>It is HMAC-SHA256 under the key, base64url without padding (43 characters), over these fields in this order:
 *
 * <pre>
 *   "ferry-stamp-v1"       a version, so that another input can never verify as this one
 *   cluster                the cluster the copy was written to (its name in the configuration)
 *   UNIQ_KEY               the message ID
 *   FERRY_ORIGIN  FERRY_PATH  FERRY_ORIGIN_TIME
 *   FERRY_SOURCE_TOPIC  FERRY_SOURCE_BROKER  FERRY_SOURCE_QUEUE  FERRY_SOURCE_OFFSET
 * </pre>
 *
 * each as a 4-byte big-endian length and its UTF-8 bytes (an absent one as length -1), so that no two different
 * lists of values give the same input, whatever the values hold. The cluster ties a stamp to where Ferry wrote
 * it: a signed copy read on one cluster and produced again into another does not verify there. The body is not
 * signed (it would cost a pass over every body): see docs/security.md for what that leaves.
 *
 * <p>Thread-safe: each copier thread has a {@link Mac} of its own.
 */
final class StampSignature {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] VERSION = "ferry-stamp-v1".getBytes(StandardCharsets.UTF_8);
    private static final List<String> SIGNED = List.of(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        FerryNames.ORIGIN, FerryNames.PATH, FerryNames.ORIGIN_TIME, FerryNames.SOURCE_TOPIC,
        FerryNames.SOURCE_BROKER, FerryNames.SOURCE_QUEUE, FerryNames.SOURCE_OFFSET);
    /** The signed fields' places in {@link #sign(String, byte[], int[])}'s ranges, in the order signed. */
    static final int ID = 0;
    static final int ORIGIN = 1;
    static final int PATH = 2;
    static final int ORIGIN_TIME = 3;
    static final int SOURCE_TOPIC = 4;
    static final int SOURCE_BROKER = 5;
    static final int SOURCE_QUEUE = 6;
    static final int SOURCE_OFFSET = 7;
    static final int FIELDS = 8;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ThreadLocal<Signer> signers;

    StampSignature(SecretKey key) {
        this.signers = ThreadLocal.withInitial(() -> new Signer(newMac(key)));
        signers.get(); // a key HMAC cannot take fails here, at start, not on the first message
    }

    private static Mac newMac(SecretKey key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign stamps with " + ALGORITHM + ": " + e.getClass().getSimpleName(),
                e);
        }
    }

    /** The signature of the stamp in {@code properties}, for a copy written to {@code cluster}. */
    String sign(String cluster, Map<String, String> properties) {
        // The values side by side as UTF-8, each in its range: what the copy path hands over from its buffer.
        ByteArrayOutputStream values = new ByteArrayOutputStream(256);
        int[] ranges = new int[2 * FIELDS];
        for (int field = 0; field < FIELDS; field++) {
            String value = properties.get(SIGNED.get(field));
            if (value == null) {
                ranges[2 * field] = -1;
            } else {
                ranges[2 * field] = values.size();
                values.writeBytes(value.getBytes(StandardCharsets.UTF_8));
                ranges[2 * field + 1] = values.size();
            }
        }
        return sign(cluster, values.toByteArray(), ranges);
    }

    /**
     * The signature of a stamp whose values are written in {@code text}: field {@code f}'s UTF-8 bytes are
     * {@code text[ranges[2f], ranges[2f + 1])}, or it is absent when {@code ranges[2f]} is -1. For a copy written to
     * {@code cluster}.
     */
    String sign(String cluster, byte[] text, int[] ranges) {
        Signer signer = signers.get();
        signer.start();
        signer.field(VERSION, 0, VERSION.length);
        byte[] clusterUtf8 = signer.utf8(cluster);
        signer.field(clusterUtf8, 0, clusterUtf8.length);
        for (int field = 0; field < FIELDS; field++) {
            int start = ranges[2 * field];
            if (start < 0) {
                signer.field(null, 0, -1);
            } else {
                signer.field(text, start, ranges[2 * field + 1] - start);
            }
        }
        return BASE64URL.encodeToString(signer.finish());
    }

    /**
     * A thread's {@link Mac} and the buffer its input is put together in (one update per signature), so that signing
     * allocates nothing but the result.
     */
    private static final class Signer {
        private final Mac mac;
        private byte[] input = new byte[512];
        private int at;
        private String cluster = "";
        private byte[] clusterUtf8 = new byte[0];

        Signer(Mac mac) {
            this.mac = mac;
        }

        void start() {
            at = 0;
        }

        /** A field: its length as a 4-byte big-endian int (-1: absent), then its bytes. */
        void field(byte[] bytes, int from, int length) {
            int room = 4 + Math.max(length, 0);
            if (input.length - at < room) {
                input = Arrays.copyOf(input, Math.max(2 * input.length, at + room));
            }
            input[at++] = (byte) (length >>> 24);
            input[at++] = (byte) (length >>> 16);
            input[at++] = (byte) (length >>> 8);
            input[at++] = (byte) length;
            if (length > 0) {
                System.arraycopy(bytes, from, input, at, length);
                at += length;
            }
        }

        /** The UTF-8 of a cluster's name: the last one asked for is kept (a link writes to one cluster). */
        byte[] utf8(String name) {
            if (!name.equals(cluster)) {
                clusterUtf8 = name.getBytes(StandardCharsets.UTF_8);
                cluster = name;
            }
            return clusterUtf8;
        }

        byte[] finish() {
            mac.update(input, 0, at);
            return mac.doFinal();
        }
    }

    /** True when {@code properties}, read on {@code cluster}, carry a signature of their stamp under this key. */
    boolean verifies(String cluster, Map<String, String> properties) {
        String signature = properties.get(FerryNames.SIGNATURE);
        return signature != null && MessageDigest.isEqual(sign(cluster, properties).getBytes(StandardCharsets.UTF_8),
            signature.getBytes(StandardCharsets.UTF_8));
    }
}
