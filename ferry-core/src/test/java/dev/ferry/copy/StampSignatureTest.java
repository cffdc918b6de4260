package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The signature's input is exactly what docs/contract.md and the class comment say, and nothing is ambiguous. */
class StampSignatureTest {

    private static final SecretKey KEY = new SecretKeySpec(
        "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    private final StampSignature signature = new StampSignature(KEY);

    private static Map<String, String> stamp() {
        Map<String, String> properties = new HashMap<>();
        properties.put("UNIQ_KEY", "7F0000011F2A18B4AAC2A1B2C3D40000");
        properties.put("FERRY_ORIGIN", "hangzhou");
        properties.put("FERRY_PATH", "hangzhou");
        properties.put("FERRY_ORIGIN_TIME", "1700000000000");
        properties.put("FERRY_SOURCE_TOPIC", "orders");
        properties.put("FERRY_SOURCE_BROKER", "broker-a");
        properties.put("FERRY_SOURCE_QUEUE", "3");
        properties.put("FERRY_SOURCE_OFFSET", "77");
        properties.put("amount", "42");
        return properties;
    }

    @Test
    void isHmacSha256OverTheDocumentedFieldsAsBase64Url() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream input = new DataOutputStream(bytes);
        for (String field : new String[] {"ferry-stamp-v1", "shanghai", "7F0000011F2A18B4AAC2A1B2C3D40000", "hangzhou",
            "hangzhou", "1700000000000", "orders", "broker-a", "3", "77"}) {
            write(input, field);
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(KEY);
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(bytes.toByteArray()));

        assertThat(signature.sign("shanghai", stamp())).isEqualTo(expected).hasSize(43);
    }

    private static void write(DataOutputStream out, String field) throws IOException {
        byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    @Test
    void verifiesItsOwnSignatureOnlyForTheSameClusterAndStamp() {
        Map<String, String> signed = stamp();
        signed.put(FerryNames.SIGNATURE, signature.sign("shanghai", signed));

        assertThat(signature.verifies("shanghai", signed)).isTrue();
        assertThat(signature.verifies("beijing", signed)).isFalse();
        Map<String, String> userPropertyChanged = new HashMap<>(signed);
        userPropertyChanged.put("amount", "43");
        assertThat(signature.verifies("shanghai", userPropertyChanged)).as("only the stamp is signed").isTrue();
        Map<String, String> unsigned = stamp();
        assertThat(signature.verifies("shanghai", unsigned)).isFalse();
        unsigned.put(FerryNames.SIGNATURE, "");
        assertThat(signature.verifies("shanghai", unsigned)).isFalse();
    }

    @Test
    void tellsAbsentFromEmptyAndValuesMovedBetweenFields() {
        Map<String, String> absent = stamp();
        absent.remove("FERRY_SOURCE_OFFSET");
        Map<String, String> empty = stamp();
        empty.put("FERRY_SOURCE_OFFSET", "");
        Map<String, String> moved = stamp();
        moved.put("FERRY_ORIGIN", "hangzhouhangzhou");
        moved.put("FERRY_PATH", "");

        assertThat(signature.sign("shanghai", absent)).isNotEqualTo(signature.sign("shanghai", empty));
        assertThat(signature.sign("shanghai", moved)).isNotEqualTo(signature.sign("shanghai", stamp()));
    }
}
