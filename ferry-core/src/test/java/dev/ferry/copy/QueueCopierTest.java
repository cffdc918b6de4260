package dev.ferry.copy;

import static dev.ferry.copy.CopierFakes.SOURCE;
import static dev.ferry.copy.CopierFakes.TARGET;
import static dev.ferry.copy.CopierFakes.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.CopySettings;
import dev.ferry.copy.CopierFakes.FakeDeadLetters;
import dev.ferry.copy.CopierFakes.FakeQueues;
import dev.ferry.copy.CopierFakes.FakeTarget;
import dev.ferry.watermark.Watermarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

/**
 * The copier's decisions without brokers: what it sends, in which batches, what it commits, and what it does
 * with a message the target refuses, a target that does not take a batch, and a queue it no longer owns.
 */
class QueueCopierTest {

    private final FakeTarget target = new FakeTarget();
    private final FakeDeadLetters deadLetters = new FakeDeadLetters();
    private final FakeQueues queues = new FakeQueues();
    private final List<long[]> syncs = new ArrayList<>();
    private final LinkStats stats = new LinkStats();
    private final StopGate gate = new StopGate();
    private CopySettings settings = CopySettings.DEFAULT.withBlockedRetry(Duration.ofSeconds(10));
    private OnError onError = OnError.BLOCK;

    private QueueCopier copier() {
        return new QueueCopier("orders-dr: A -> B", new OriginStamp("A", Map.of(), Optional.empty()), target,
            deadLetters, queues, (source, landed, sourceOffsets, firstTargetOffset) -> {
                assertThat(landed).isEqualTo(TARGET);
                syncs.add(new long[] {sourceOffsets[0], sourceOffsets[sourceOffsets.length - 1], firstTargetOffset});
            }, stats, settings, onError, gate, Watermarks.OFF);
    }

    private long copy(List<MessageExt> messages) {
        return copier().copy(SOURCE, messages, () -> gate.isOpen() && queues.owns(SOURCE));
    }

    @Test
    void copiesInOrderInBatchesAndCommitsPastEachAcknowledgedBatch() {
        settings = new CopySettings(4, 1024 * 1024, 64, Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 2);

        assertThat(copy(messages(0, 10))).isEqualTo(QueueCopier.DONE);

        assertThat(target.stored).containsExactly(LongStream.range(0, 10).boxed().toArray(Long[]::new));
        assertThat(target.batchSizes).containsExactly(4, 4, 2);
        assertThat(queues.advances).containsExactly(4L, 8L, 10L);
        assertThat(syncs).extracting(s -> s[0] + ".." + s[1] + "@" + s[2]).containsExactly("0..3@0", "4..7@4",
            "8..9@8");
        assertThat(stats.copied()).isEqualTo(10);
        assertThat(stats.copiedBytes()).isEqualTo(10 * "body-0".length());
        assertThat(stats.received()).isEqualTo(10);
    }

    @Test
    void aBatchNotTakenKeepsWhatWasAcknowledgedAndIsNotSentTwice() {
        settings = new CopySettings(4, 1024 * 1024, 64, Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 2);
        target.unsentOnSend.add(2); // the second send is not taken

        assertThat(copy(messages(0, 8))).as("try again after the sender's backoff").isEqualTo(250);
        assertThat(target.stored).containsExactly(0L, 1L, 2L, 3L);
        assertThat(queues.offset).isEqualTo(4);

        // RocketMQ hands the same messages again: those below the offset are skipped.
        assertThat(copy(messages(0, 8))).isEqualTo(QueueCopier.DONE);
        assertThat(target.stored).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(queues.offset).isEqualTo(8);
    }

    @Test
    void batchesStayUnderTheTargetsSizeLimit() {
        target.maxBatchBytes = 1; // every copy is larger: each goes alone
        assertThat(copy(messages(0, 3))).isEqualTo(QueueCopier.DONE);
        assertThat(target.batchSizes).containsExactly(1, 1, 1);
    }

    @Test
    void aRefusedMessageIsFoundAndBlocksItsQueueWithOnErrorBlock() {
        target.refuses = offset -> offset == 2;

        long retryIn = copy(messages(0, 5));

        assertThat(retryIn).as("blockedRetryMillis").isEqualTo(10_000);
        assertThat(target.stored).as("what came before it is copied").containsExactly(0L, 1L);
        assertThat(queues.offset).as("not past the refused message").isEqualTo(2);
        assertThat(stats.anyBlock()).hasValueSatisfying(why -> assertThat(why)
            .startsWith("blocked at offset 2 (message ID-2): target refuses it: ").contains("message too large"));
        assertThat(deadLetters.written).isEmpty();

        // The target takes it after all (raised limit): the queue copies on, the block is over.
        target.refuses = offset -> false;
        assertThat(copy(messages(0, 5))).isEqualTo(QueueCopier.DONE);
        assertThat(target.stored).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(stats.anyBlock()).isEmpty();
    }

    @Test
    void aRefusedMessageIsDeadLetteredAndCopyingGoesOnWithOnErrorDeadLetter() {
        onError = OnError.DEAD_LETTER;
        target.refuses = offset -> offset == 2 || offset == 3;

        assertThat(copy(messages(0, 6))).isEqualTo(QueueCopier.DONE);

        assertThat(target.stored).containsExactly(0L, 1L, 4L, 5L);
        assertThat(deadLetters.written).containsExactly(2L, 3L);
        assertThat(stats.deadLetteredCount()).isEqualTo(2);
        assertThat(queues.offset).isEqualTo(6);
        assertThat(stats.anyBlock()).isEmpty();
    }

    @Test
    void aDeadLetterTopicThatFailsRetriesAndOneThatRefusesBlocks() {
        onError = OnError.DEAD_LETTER;
        target.refuses = offset -> offset == 1;
        deadLetters.failure = new RuntimeException("connect to 127.0.0.1:10911 failed");

        assertThat(copy(messages(0, 3))).as("retryMaxDelayMillis").isEqualTo(5_000);
        assertThat(queues.offset).isEqualTo(1);
        assertThat(stats.retryReasons()).singleElement().asString()
            .startsWith("retrying: dead-letter write failed: ");

        deadLetters.failure = new MQBrokerException(ResponseCode.NO_PERMISSION, "no permission to access Topic:FERRY_DLQ");
        assertThat(copy(messages(0, 3))).as("blockedRetryMillis").isEqualTo(10_000);
        assertThat(queues.offset).as("neither copied nor dead-lettered: never dropped").isEqualTo(1);
        assertThat(stats.anyBlock()).hasValueSatisfying(why -> assertThat(why)
            .contains("and so does the dead-letter topic FERRY_DLQ_orders-dr on A"));

        deadLetters.failure = null;
        assertThat(copy(messages(0, 3))).isEqualTo(QueueCopier.DONE);
        assertThat(deadLetters.written).containsExactly(1L);
        assertThat(stats.anyBlock()).isEmpty();
        assertThat(stats.retryReasons()).isEmpty();
        assertThat(target.stored).containsExactly(0L, 2L);
    }

    @Test
    void aQueueThisProcessNoLongerOwnsSendsNothingMore() {
        queues.owned = false;
        assertThat(copy(messages(0, 3))).isEqualTo(QueueCopier.NOT_NOW_MILLIS);
        assertThat(target.stored).isEmpty();
        assertThat(queues.advances).isEmpty();
    }

    /**
     * The consumer may lock a queue again while it is still read from its slave (the master is back): the messages
     * it hands over lie below what the slave reads copied. Returning SUCCESS would have the client set the queue's
     * offset to their end, back below that, and copy the rest again; the copier suspends instead.
     */
    @Test
    void aQueueThisProcessDoesNotOwnIsNeitherCopiedNorCommittedWhenItsMessagesAreAllBelowItsOffset() {
        queues.owned = false;
        queues.offset = 500; // copied from the slave up to here
        ConsumeOrderlyContext context = new ConsumeOrderlyContext(SOURCE);

        assertThat(copier().consumeMessage(messages(100, 32), context))
            .isEqualTo(ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT);

        assertThat(context.getSuspendCurrentQueueTimeMillis()).isEqualTo(QueueCopier.NOT_NOW_MILLIS);
        assertThat(target.stored).isEmpty();
        assertThat(queues.offset).isEqualTo(500);
        queues.owned = true;
        assertThat(copier().consumeMessage(messages(100, 32), new ConsumeOrderlyContext(SOURCE)))
            .as("owned: all on the target already, done").isEqualTo(ConsumeOrderlyStatus.SUCCESS);
        assertThat(target.stored).isEmpty();
    }

    @Test
    void aStoppingLinkSendsNothingMore() {
        gate.close();
        assertThat(copy(messages(0, 3))).isEqualTo(QueueCopier.NOT_NOW_MILLIS);
        assertThat(target.stored).isEmpty();
    }

    @Test
    void aCopyThatWouldLoopIsDroppedCountedAndCommitted() {
        List<MessageExt> messages = messages(0, 3);
        messages.get(1).putUserProperty("FERRY_ORIGIN", "B");
        messages.get(1).putUserProperty("FERRY_PATH", "B");

        assertThat(copy(messages)).isEqualTo(QueueCopier.DONE);

        assertThat(target.stored).containsExactly(0L, 2L);
        assertThat(stats.skippedLoopCount()).isEqualTo(1);
        assertThat(queues.offset).isEqualTo(3);
    }

    @Test
    void gapsInTheOffsetsAreWhatTheBrokersFilterPassedOver() {
        List<MessageExt> delivered = new ArrayList<>(messages(0, 2));
        delivered.addAll(messages(5, 2));
        assertThat(copy(delivered)).isEqualTo(QueueCopier.DONE);
        assertThat(stats.skippedAtSource()).isEqualTo(3);
        assertThat(stats.hasDelivered(SOURCE)).isTrue();
    }

    @Test
    void heartbeatsAreCopiedButNotCountedOrSynced() {
        MessageQueue beats = new MessageQueue("FERRY_HEARTBEAT", "broker-a", 0);
        List<MessageExt> messages = messages(0, 2);
        messages.forEach(m -> m.setTopic("FERRY_HEARTBEAT"));
        long done = copier().copy(beats, messages, () -> true);
        assertThat(done).isEqualTo(QueueCopier.DONE);
        assertThat(stats.heartbeats()).isEqualTo(2);
        assertThat(stats.copied()).isZero();
        assertThat(stats.received()).isZero();
        assertThat(syncs).isEmpty();
    }
}
