package dev.ferry.copy;

import static dev.ferry.copy.CopierFakes.SOURCE;
import static dev.ferry.copy.CopierFakes.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.CopySettings;
import dev.ferry.copy.CopierFakes.FakeDeadLetters;
import dev.ferry.copy.CopierFakes.FakeQueues;
import dev.ferry.copy.CopierFakes.FakeTarget;
import dev.ferry.copy.CopierFakes.FakeWatermarks;
import dev.ferry.watermark.Watermarks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * The copier with watermarks, without brokers: what the target holds already is skipped, not sent again, whether
 * a previous owner stored it or a send timed out after the target stored it; a target that cannot tell what it
 * holds gets nothing until it can.
 */
class ExactlyOnceCopyTest {

    private final FakeTarget target = new FakeTarget();
    private final FakeQueues queues = new FakeQueues();
    private final LinkStats stats = new LinkStats();
    private final FakeWatermarks watermarks = new FakeWatermarks(target);
    private final CopySettings settings = new CopySettings(4, 1024 * 1024, 64, Duration.ofSeconds(3),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 2);

    /** One copier per test, as one per link: it remembers which queues wait for the target to answer. */
    private QueueCopier copier;

    private long copy(List<MessageExt> messages, Watermarks with) {
        if (copier == null) {
            copier = new QueueCopier("orders-dr: A -> B", new OriginStamp("A", Map.of(), Optional.empty()), target,
                new FakeDeadLetters(), queues, (source, landed, sourceOffsets, firstTargetOffset) -> { }, stats,
                settings, OnError.BLOCK, new StopGate(), with);
        }
        return copier.copy(SOURCE, messages, () -> queues.owns(SOURCE));
    }

    private static Long[] range(long from, long to) {
        return LongStream.range(from, to).boxed().toArray(Long[]::new);
    }

    @Test
    void whatThePreviousOwnerStoredButDidNotCommitIsSkipped() {
        // A process copied 0..5 and died having committed only 3: the queue's next owner is handed 3.. again.
        target.stored.addAll(List.of(range(0, 6)));
        queues.offset = 3;

        assertThat(copy(messages(3, 7), watermarks)).isEqualTo(QueueCopier.DONE);

        assertThat(target.stored).as("each once").containsExactly(range(0, 10));
        assertThat(stats.skippedCopiedCount()).isEqualTo(3);
        assertThat(stats.copied()).isEqualTo(4);
        assertThat(queues.advances).as("past the skipped ones first").startsWith(6L).endsWith(10L);
        assertThat(watermarks.reads).isOne();
    }

    @Test
    void aSendThatTimedOutAfterTheTargetStoredItIsNotSentAgain() {
        target.timeoutAfterStoringOnSend.add(2);

        assertThat(copy(messages(0, 8), watermarks)).as("the timeout's backoff").isEqualTo(250);
        assertThat(queues.offset).as("the second batch is not known to be stored").isEqualTo(4);

        // RocketMQ hands 4..7 again: the target is asked first, and holds them.
        assertThat(copy(messages(0, 8), watermarks)).isEqualTo(QueueCopier.DONE);
        assertThat(target.stored).as("each once").containsExactly(range(0, 8));
        assertThat(stats.skippedCopiedCount()).isEqualTo(4);
        assertThat(queues.offset).isEqualTo(8);
        assertThat(watermarks.reads).as("once at the start, once after the timeout").isEqualTo(2);
    }

    @Test
    void atLeastOnceSendsItAgain() {
        target.timeoutAfterStoringOnSend.add(2);

        copy(messages(0, 8), Watermarks.OFF);
        assertThat(copy(messages(0, 8), Watermarks.OFF)).isEqualTo(QueueCopier.DONE);

        assertThat(target.stored).as("4..7 twice").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 4L, 5L, 6L, 7L);
        assertThat(stats.skippedCopiedCount()).isZero();
    }

    @Test
    void theWatermarkIsReadAgainOnlyWhenTheQueueIsTakenAnew() {
        assertThat(copy(messages(0, 4), watermarks)).isEqualTo(QueueCopier.DONE);
        assertThat(copy(messages(4, 4), watermarks)).isEqualTo(QueueCopier.DONE);
        assertThat(watermarks.reads).as("remembered while this process holds the queue").isOne();

        // The queue went to another process, which copied 8..11, and came back with the offset still at 8.
        target.stored.addAll(List.of(range(8, 12)));
        watermarks.newTenure();
        assertThat(copy(messages(8, 6), watermarks)).isEqualTo(QueueCopier.DONE);

        assertThat(watermarks.reads).isEqualTo(2);
        assertThat(target.stored).as("each once").containsExactly(range(0, 14));
    }

    @Test
    void aTargetThatCannotTellWhatItHoldsGetsNothingUntilItCan() {
        watermarks.unknown = "cannot read what the target holds of broker-a/1 of orders: connect to 127.0.0.1:10911 failed";

        assertThat(copy(messages(0, 4), watermarks)).isEqualTo(QueueCopier.NOT_NOW_MILLIS);
        assertThat(target.stored).isEmpty();
        assertThat(stats.retryReasons()).singleElement().asString()
            .isEqualTo("retrying: " + watermarks.unknown);

        watermarks.unknown = null;
        assertThat(copy(messages(0, 4), watermarks)).isEqualTo(QueueCopier.DONE);
        assertThat(target.stored).containsExactly(range(0, 4));
        assertThat(stats.retryReasons()).as("over").isEmpty();
    }
}
