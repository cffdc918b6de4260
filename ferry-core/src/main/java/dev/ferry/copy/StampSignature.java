package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ThreadLocal<Mac> macs;

    StampSignature(SecretKey key) {
        this.macs = ThreadLocal.withInitial(() -> newMac(key));
        macs.get(); // a key HMAC cannot take fails here, at start, not on the first message
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
        ByteArrayOutputStream input = new ByteArrayOutputStream(256);
        field(input, VERSION);
        field(input, cluster.getBytes(StandardCharsets.UTF_8));
        for (String name : SIGNED) {
            String value = properties.get(name);
            field(input, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }
        return BASE64URL.encodeToString(macs.get().doFinal(input.toByteArray()));
    }

    /** True when {@code properties}, read on {@code cluster}, carry a signature of their stamp under this key. */
    boolean verifies(String cluster, Map<String, String> properties) {
        String signature = properties.get(FerryNames.SIGNATURE);
        return signature != null && MessageDigest.isEqual(sign(cluster, properties).getBytes(StandardCharsets.UTF_8),
            signature.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream input, byte[] bytes) {
        int length = bytes == null ? -1 : bytes.length;
        input.write(length >>> 24);
        input.write(length >>> 16);
        input.write(length >>> 8);
        input.write(length);
        if (bytes != null) {
            input.write(bytes, 0, bytes.length);
        }
    }
}
