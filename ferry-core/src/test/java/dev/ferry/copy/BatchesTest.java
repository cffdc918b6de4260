package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.junit.jupiter.api.Test;

class BatchesTest {

    private final Batches.Encoder encoder = new Batches.Encoder();

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
    void theBatchBodyIsByteForByteWhatRocketMqEncodes() {
        Message one = new Message("t", "tag", "key", "some body".getBytes(StandardCharsets.UTF_8));
        one.putUserProperty("p", "v");
        one.putUserProperty("city", "Zürich 東京 \uD83D\uDE00"); // 2-, 3- and 4-byte UTF-8
        one.putUserProperty("broken", "a\uD800b"); // a lone surrogate
        one.setFlag(7);
        Message two = new Message("t", "x".repeat(1000).getBytes(StandardCharsets.UTF_8));
        MessageClientIDSetter.setUniqID(two);
        Message three = new Message("t", new byte[0]);
        List<Batches.Entry> entries = List.of(encoder.entry(one), encoder.entry(two), encoder.entry(three));

        Message joined = Batches.join(entries);

        assertThat(joined).isInstanceOf(MessageBatch.class);
        byte[] expected = MessageBatch.generateFromList(List.of(one, two, three)).encode();
        assertThat(joined.getBody()).isEqualTo(expected);
        assertThat(entries.stream().mapToInt(Batches.Entry::size).sum()).isEqualTo(expected.length);
        assertThat(joined.getTopic()).isEqualTo("t");
        assertThat(MessageClientIDSetter.getUniqID(joined)).as("no ID of its own: a 4.x broker would store it on"
            + " every message of the batch").isNull();
        assertThat((Iterable<Message>) (MessageBatch) joined).containsExactly(one, two, three);
    }

    @Test
    void aCopyWithoutAMessageIdGetsOneAndOneWithKeepsIt() {
        Message without = new Message("t", "b".getBytes(StandardCharsets.UTF_8));
        Message with = new Message("t", "b".getBytes(StandardCharsets.UTF_8));
        MessageAccessor.putProperty(with, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "ID-OF-THE-SOURCE");
        encoder.entry(without);
        encoder.entry(with);
        assertThat(MessageClientIDSetter.getUniqID(without)).isNotBlank();
        assertThat(MessageClientIDSetter.getUniqID(with)).isEqualTo("ID-OF-THE-SOURCE");
    }

    @Test
    void aLoneCopyIsSentAsItself() {
        Message one = new Message("t", "b".getBytes(StandardCharsets.UTF_8));
        assertThat(Batches.join(List.of(encoder.entry(one)))).isSameAs(one);
    }

    @Test
    void aCopyWhosePropertiesOverflowTheFormatGoesAlone() {
        Message big = new Message("t", "b".getBytes(StandardCharsets.UTF_8));
        big.putUserProperty("huge", "v".repeat(Short.MAX_VALUE));
        Message small = new Message("t", "b".getBytes(StandardCharsets.UTF_8));
        List<Batches.Entry> entries = List.of(encoder.entry(small), encoder.entry(big), encoder.entry(small));
        assertThat(Batches.split(entries, Batches.Entry::size, 128, 1024 * 1024)).extracting(List::size)
            .containsExactly(1, 1, 1);
    }
}
