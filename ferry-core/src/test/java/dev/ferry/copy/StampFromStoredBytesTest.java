package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A message read by Ferry's pull layer keeps its properties as stored ({@link ReadMessage}), and {@link OriginStamp}
 * copies them byte for byte. Its copy must be the copy of the same message decoded by the client into a map: the
 * same loop decision, the same forged verdict, and properties that decode to the same map on the target, whatever
 * the stored bytes hold (stamps signed or not, tampered with, repeated names, entries the client skips).
 */
class StampFromStoredBytesTest {

    private static final Random SEEDS = new Random();
    private static final Optional<StampSignature> KEY = Optional.of(new StampSignature(
        new SecretKeySpec("the deployment's key, 32 bytes or more".getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    private static final List<String> NAMES = List.of(MessageConst.PROPERTY_TAGS, MessageConst.PROPERTY_KEYS,
        MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, MessageConst.PROPERTY_SHARDING_KEY,
        MessageConst.PROPERTY_DELAY_TIME_LEVEL, MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "amount", "région", "unit",
        FerryNames.ORIGIN, FerryNames.PATH, FerryNames.ORIGIN_TIME, FerryNames.SOURCE_OFFSET, FerryNames.SIGNATURE);
    private static final List<String> VALUES = List.of("a", "b", "c", "a,b", "b,c", "1000", "x y", "été", "ID-7");

    @RepeatedTest(200)
    void aCopyFromStoredBytesIsTheCopyFromTheClientsMap() {
        long seed = SEEDS.nextLong();
        Random random = new Random(seed);
        byte[] stored = properties(random);
        Map<String, String> userStamp = random.nextBoolean() ? Map.of() : Map.of("unit", "b-1", "amount", "7");
        Optional<StampSignature> key = random.nextBoolean() ? KEY : Optional.empty();
        OriginStamp fromB = new OriginStamp("b", userStamp, key);
        String which = "seed " + seed + ": " + new String(stored, StandardCharsets.UTF_8)
            .replace('\u0001', '=').replace('\u0002', ';');

        for (String target : List.of("a", "c")) {
            ReadMessage read = read(stored);
            if (random.nextBoolean()) {
                // what the client marks the last message of a pull with
                MessageAccessor.putProperty(read, MessageConst.PROPERTY_MAX_OFFSET, "99");
            }
            OriginStamp.Stamped fromBytes = fromB.copy(read, "orders", target);
            OriginStamp.Stamped fromMap = fromB.copy(decoded(stored), "orders", target);

            assertThat(fromBytes.forged()).as(which).isEqualTo(fromMap.forged());
            assertThat(fromBytes.entry().isPresent()).as(which).isEqualTo(fromMap.entry().isPresent());
            if (fromMap.entry().isPresent()) {
                Batches.Entry bytes = fromBytes.entry().get();
                Batches.Entry map = fromMap.entry().get();
                assertThat(bytes.size()).as(which).isEqualTo(map.size() + bytes.properties.length
                    - map.properties.length);
                assertThat(decode(bytes.properties)).as(which).isEqualTo(decode(map.properties));
                assertThat(bytes.message().getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                    .as(which).isNotNull();
                if (key.isPresent()) {
                    assertThat(key.get().verifies(target, decode(bytes.properties))).as(which).isTrue();
                }
            }
        }
    }

    /** A stored message's properties: a signed stamp of a hop before, or loose entries, and odd entries after. */
    private static byte[] properties(Random random) {
        StringBuilder text = new StringBuilder();
        if (random.nextBoolean()) {
            MessageExt local = decoded(("TAGS\u0001vip\u0002UNIQ_KEY\u0001ID-1\u0002amount\u000142\u0002")
                .getBytes(StandardCharsets.UTF_8));
            text.append(new String(new OriginStamp("a", Map.of(), KEY).copy(local, "orders", "b").entry()
                .orElseThrow().properties, StandardCharsets.UTF_8));
        }
        for (int i = random.nextInt(8); i > 0; i--) {
            switch (random.nextInt(6)) {
                case 0 -> text.append("\u0002");
                case 1 -> text.append(NAMES.get(random.nextInt(NAMES.size()))).append('\u0001').append('\u0002');
                default -> text.append(NAMES.get(random.nextInt(NAMES.size()))).append('\u0001')
                    .append(VALUES.get(random.nextInt(VALUES.size()))).append('\u0002');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ReadMessage read(byte[] stored) {
        ReadMessage message = new ReadMessage();
        fill(message);
        message.setRawProperties(stored);
        return message;
    }

    private static MessageExt decoded(byte[] stored) {
        MessageExt message = new MessageExt();
        fill(message);
        MessageAccessor.setProperties(message, decode(stored));
        return message;
    }

    private static Map<String, String> decode(byte[] properties) {
        return MessageDecoder.string2messageProperties(new String(properties, StandardCharsets.UTF_8));
    }

    private static void fill(MessageExt message) {
        message.setTopic("orders");
        message.setBody("hello".getBytes(StandardCharsets.UTF_8));
        message.setBrokerName("broker-a");
        message.setQueueId(2);
        message.setQueueOffset(41);
        message.setStoreTimestamp(5_000L);
        message.setStoreHost(new InetSocketAddress("127.0.0.1", 10_911));
        message.setBornHost(new InetSocketAddress("127.0.0.1", 40_000));
    }
}
