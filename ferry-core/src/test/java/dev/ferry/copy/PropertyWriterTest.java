package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The writer puts down exactly the bytes RocketMQ's properties string has: numbers as Long.toString, text as UTF-8. */
class PropertyWriterTest {

    private final PropertyWriter writer = new PropertyWriter();

    private String written() {
        return new String(writer.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void numbersAsLongToStringWritesThem() {
        long[] numbers = {0, 7, 9, 10, 99, 100, 101, 999, 1000, 77, 1_700_000_000_000L, 999_999_999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -42, Long.MIN_VALUE};
        for (long number : numbers) {
            writer.reset();
            writer.value(number);
            assertThat(written()).isEqualTo(Long.toString(number));
        }
    }

    @Test
    void textAsUtf8AndSeparators() {
        String[] texts = {"", "a", "bench-run", "Zürich 東京 \uD83D\uDE00", "a\uD800b", "\uDC00", "x".repeat(300) + "é",
            "é" + "x".repeat(300)};
        for (String text : texts) {
            writer.reset();
            writer.name(text).value(text).end();
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            byte[] expected = new byte[2 * utf8.length + 2];
            System.arraycopy(utf8, 0, expected, 0, utf8.length);
            expected[utf8.length] = 1;
            System.arraycopy(utf8, 0, expected, utf8.length + 1, utf8.length);
            expected[expected.length - 1] = 2;
            assertThat(writer.toByteArray()).as(text).isEqualTo(expected);
        }
    }

    @Test
    void growsPastItsFirstBuffer() {
        String value = "v".repeat(10_000);
        writer.reset();
        writer.name("k").value(value).end();
        assertThat(Arrays.copyOf(writer.toByteArray(), 2)).containsExactly('k', 1);
        assertThat(writer.toByteArray()).hasSize(10_003);
    }
}
