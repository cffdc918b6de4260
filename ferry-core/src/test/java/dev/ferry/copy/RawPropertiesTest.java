package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Properties read where they lie say what the client's {@code MessageDecoder.string2messageProperties} says of the
 * same bytes: every entry it keeps, none it skips, the later of two with one name.
 */
class RawPropertiesTest {

    private static final Random SEEDS = new Random();
    /** Pieces of property strings, separators and the odd cases among them. */
    private static final String[] PIECES = {"a", "b", "ab", "été", "名", "UNIQ_KEY", "TAGS", "\u0001", "\u0002",
        "\u0001\u0002", "", "x", "0"};

    @RepeatedTest(50)
    void readsEveryNameAsTheClientsMapDoes() {
        long seed = SEEDS.nextLong();
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        assertReadAsTheClientReads(text.toString(), "seed " + seed);
    }

    @Test
    void readsTheCasesTheClientSkipsOrOverrides() {
        for (String text : new String[] {"", "a", "ab", "a\u0001", "\u0001a", "a\u0001b", "a\u0001b\u0002",
            "a\u0001b\u0002a\u0001c\u0002", "a\u0001\u0002b\u0001c", "\u0002\u0002a\u0001b", "a\u0001b\u0001c",
            "名\u0001été\u0002", "ab\u0001\u0002", "a\u0002b\u0001c"}) {
            assertReadAsTheClientReads(text, text.replace('\u0001', '=').replace('\u0002', ';'));
        }
    }

    private static void assertReadAsTheClientReads(String text, String which) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        Map<String, String> client = MessageDecoder.string2messageProperties(text);

        assertThat(RawProperties.toMap(raw)).as(which).isEqualTo(client);
        Set<String> names = new HashSet<>(client.keySet());
        for (String piece : PIECES) {
            names.add(piece);
        }
        long lengths = RawProperties.nameLengths(raw);
        for (String name : names) {
            assertThat(RawProperties.get(raw, name)).as(which + ", " + name).isEqualTo(client.get(name));
            assertThat(RawProperties.has(raw, name)).as(which + ", " + name).isEqualTo(client.containsKey(name));
            if (client.containsKey(name)) {
                assertThat(RawProperties.mayHold(lengths, name)).as(which + ", never passed over: " + name).isTrue();
            }
        }
        assertThat(RawProperties.mayHold(lengths, "X".repeat(40))).as(which + ", a length none has")
            .isEqualTo(client.keySet().stream().anyMatch(n -> n.getBytes(StandardCharsets.UTF_8).length == 40));
    }
}
