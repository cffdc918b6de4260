package dev.ferry.watermark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Finding a source queue's newest copy in a shared target queue, without brokers: among copies of other queues and
 * other clusters with the same default names, local messages, forged stamps; bounded by a known copy, a budget and
 * the queue's start.
 */
class WatermarkScanTest {

    private static final MessageQueue ORDERS_A1 = new MessageQueue("orders", "broker-a", 1);
    private static final CopyOf COPY_OF_A1 = new CopyOf("A", ORDERS_A1, properties -> true);

    /** A target queue as a list from offset {@code min}; pulls return at most {@code perPull} messages. */
    private static final class FakeQueue implements WatermarkScan.QueueReader {
        final List<MessageExt> stored = new ArrayList<>();
        long min;
        int perPull = 3;
        int pulls;
        long read;

        FakeQueue add(MessageExt message) {
            message.setQueueOffset(min + stored.size());
            stored.add(message);
            return this;
        }

        @Override
        public long minOffset() {
            return min;
        }

        @Override
        public long maxOffset() {
            return min + stored.size();
        }

        @Override
        public List<MessageExt> read(long from, int count) {
            pulls++;
            int start = (int) (from - min);
            List<MessageExt> some = stored.subList(start, Math.min(stored.size(), start + Math.min(count, perPull)));
            read += some.size();
            return List.copyOf(some);
        }
    }

    /** A copy, as Ferry stamps it: read last from {@code cluster}, from {@code broker}/{@code queue}, at {@code offset}. */
    private static MessageExt copy(String path, String topic, String broker, int queue, long offset) {
        MessageExt m = new MessageExt();
        m.putUserProperty("FERRY_ORIGIN", path.split(",")[0]);
        m.putUserProperty("FERRY_PATH", path);
        m.putUserProperty("FERRY_SOURCE_TOPIC", topic);
        m.putUserProperty("FERRY_SOURCE_BROKER", broker);
        m.putUserProperty("FERRY_SOURCE_QUEUE", Integer.toString(queue));
        m.putUserProperty("FERRY_SOURCE_OFFSET", Long.toString(offset));
        return m;
    }

    private static MessageExt local() {
        MessageExt m = new MessageExt();
        m.putUserProperty("app", "written on the target");
        return m;
    }

    @Test
    void theNewestCopyOfTheQueueIsTheWatermark() throws Exception {
        FakeQueue queue = new FakeQueue().add(copy("A", "orders", "broker-a", 1, 40)).add(copy("A", "orders", "broker-a", 1, 41))
            .add(local()).add(copy("A", "orders", "broker-a", 1, 42)).add(local());

        WatermarkScan.Result result = WatermarkScan.scan(queue, COPY_OF_A1, 0, 32, 1_000);

        assertThat(result).isEqualTo(new WatermarkScan.Result(42, true, 5));
    }

    @Test
    void copiesOfOtherQueuesAndOfOtherClustersWithTheSameNamesAreNotIt() throws Exception {
        // Aggregation and two-way: unit C copies its own orders@broker-a/1; A's other queue; a copy of a copy (A
        // then C: last from C); a forged stamp; a copy of A's orders@broker-b/1.
        FakeQueue queue = new FakeQueue().add(copy("A", "orders", "broker-a", 1, 7))
            .add(copy("C", "orders", "broker-a", 1, 900)).add(copy("A", "orders", "broker-a", 2, 901))
            .add(copy("A,C", "orders", "broker-a", 1, 902)).add(copy("A", "orders", "broker-b", 1, 903))
            .add(copy("A", "payments", "broker-a", 1, 904)).add(copy("A", "orders", "broker-a", 1, 905));
        queue.stored.get(6).putUserProperty("FERRY_SIGNATURE", "forged");
        CopyOf signedOnly = new CopyOf("A", ORDERS_A1, properties -> !"forged".equals(properties.get("FERRY_SIGNATURE")));

        assertThat(WatermarkScan.scan(queue, signedOnly, 0, 2, 1_000).upTo()).isEqualTo(7);
    }

    @Test
    void noCopyOfTheQueueDownToTheStartOfTheTargetQueueMeansNone() throws Exception {
        FakeQueue queue = new FakeQueue();
        queue.min = 1_000; // older messages are gone (retention)
        for (int i = 0; i < 50; i++) {
            queue.add(local());
        }

        WatermarkScan.Result result = WatermarkScan.scan(queue, COPY_OF_A1, 0, 4, 1_000);

        assertThat(result).isEqualTo(new WatermarkScan.Result(Watermarks.NONE, true, 50));
        assertThat(WatermarkScan.scan(new FakeQueue(), COPY_OF_A1, 0, 4, 1_000))
            .as("an empty target queue").isEqualTo(new WatermarkScan.Result(Watermarks.NONE, true, 0));
    }

    @Test
    void itReadsBackwardsInGrowingChunksAndNoFurtherThanAKnownCopy() throws Exception {
        FakeQueue queue = new FakeQueue();
        for (int i = 0; i < 1_000; i++) {
            queue.add(i == 100 ? copy("A", "orders", "broker-a", 1, 5_000) : local());
        }

        WatermarkScan.Result result = WatermarkScan.scan(queue, COPY_OF_A1, 100, 8, 10_000);

        assertThat(result.upTo()).isEqualTo(5_000);
        assertThat(result.read()).as("only what lies above the known copy").isEqualTo(900);
        assertThat(queue.read).isEqualTo(900);

        FakeQueue newestIsTheCopy = new FakeQueue();
        for (int i = 0; i < 1_000; i++) {
            newestIsTheCopy.add(local());
        }
        newestIsTheCopy.add(copy("A", "orders", "broker-a", 1, 6_000));
        newestIsTheCopy.perPull = 32;
        assertThat(WatermarkScan.scan(newestIsTheCopy, COPY_OF_A1, 0, 32, 10_000).upTo()).isEqualTo(6_000);
        assertThat(newestIsTheCopy.pulls).as("one pull when the newest message is the copy").isOne();
    }

    @Test
    void aBudgetSpentDecidesNothing() throws Exception {
        FakeQueue queue = new FakeQueue().add(copy("A", "orders", "broker-a", 1, 3));
        for (int i = 0; i < 500; i++) {
            queue.add(local());
        }

        WatermarkScan.Result result = WatermarkScan.scan(queue, COPY_OF_A1, 0, 8, 100);

        assertThat(result.decided()).isFalse();
        assertThat(result.read()).isLessThan(200);
    }

    @Test
    void aStampWithoutAUsableOffsetIsNotACopy() {
        MessageExt noOffset = copy("A", "orders", "broker-a", 1, 1);
        noOffset.putUserProperty("FERRY_SOURCE_OFFSET", "x");
        assertThat(COPY_OF_A1.sourceOffset(noOffset)).isEqualTo(Watermarks.NONE);
        assertThat(COPY_OF_A1.sourceOffset(local())).isEqualTo(Watermarks.NONE);
        assertThat(new CopyOf("A", ORDERS_A1, Map.of()::equals).sourceOffset(copy("A", "orders", "broker-a", 1, 9)))
            .as("untrusted").isEqualTo(Watermarks.NONE);
    }
}
