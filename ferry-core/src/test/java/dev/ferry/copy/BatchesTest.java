package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageBatch;
import org.junit.jupiter.api.Test;

class BatchesTest {

    @Test
    void cutsByCountAndByBytesKeepingOrder() {
        List<Integer> sizes = List.of(10, 10, 10, 50, 10, 10);
        List<List<Integer>> batches = Batches.split(sizes, s -> s, 3, 60);
        assertThat(batches).containsExactly(List.of(10, 10, 10), List.of(50, 10), List.of(10));
    }

    @Test
    void anOversizedItemGetsABatchOfItsOwn() {
        List<List<Integer>> batches = Batches.split(List.of(5, 500, 5), s -> s, 10, 100);
        assertThat(batches).containsExactly(List.of(5), List.of(500), List.of(5));
    }

    @Test
    void encodedSizeMatchesRocketMqBatchEncoding() {
        Message one = new Message("t", "tag", "key", "some body".getBytes(StandardCharsets.UTF_8));
        one.putUserProperty("p", "v");
        one.putUserProperty("city", "Zürich 東京 \uD83D\uDE00"); // 2-, 3- and 4-byte UTF-8
        Message two = new Message("t", "x".repeat(1000).getBytes(StandardCharsets.UTF_8));
        byte[] encoded = MessageBatch.generateFromList(List.of(one, two)).encode();
        assertThat(Batches.encodedSize(one) + Batches.encodedSize(two)).isEqualTo(encoded.length);
    }
}
