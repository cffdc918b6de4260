package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/** What one queue's read-ahead does on each event: when it answers, waits, pulls ahead, or steps aside. */
class ReadAheadLaneTest {

    private static final ReadAheadLane.Request REQUEST = new ReadAheadLane.Request(null, "TAG", 1, 32, 256 * 1024,
        3, 15_000, 30_000);

    private final AtomicLong linkBuffered = new AtomicLong();
    private final ReadAheadLane lane = new ReadAheadLane(4, 1024 * 1024, linkBuffered);
    private final PullCallback consumer = new PullCallback() {
        @Override
        public void onSuccess(PullResult pullResult) {
        }

        @Override
        public void onException(Throwable e) {
        }
    };

    @Test
    void aQueueWithoutBacklogIsPulledAsTheConsumerWould() {
        ReadAheadLane.Step step = lane.consumerPulls(100, REQUEST, consumer);
        assertThat(step.consumer()).isSameAs(consumer);
        assertThat(step.answer()).isNull();
        assertThat(step.directOffset()).isEqualTo(100);
        assertThat(step.ahead().starts()).isEmpty();
        assertThat(lane.backlogSeen(100, 110, 110)).as("caught up: nothing behind").isEqualTo(ReadAheadLane.Plan.NONE);
    }

    @Test
    void aBacklogIsReadAheadAndHandedOverInOrder() {
        lane.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = lane.backlogSeen(100, 132, 10_000);
        assertThat(ahead.starts()).as("4 out, 32 apart").containsExactly(132L, 164L, 196L, 228L);

        ReadAheadLane.Step waiting = lane.consumerPulls(132, REQUEST, consumer);
        assertThat(waiting.consumer()).as("a pull out covers 132: wait for it").isNull();
        assertThat(lane.answered(ahead.generation(), 164, range(164, 196)).consumer()).isNull();

        ReadAheadLane.Step answered = lane.answered(ahead.generation(), 132, range(132, 164));
        assertThat(answered.consumer()).isSameAs(consumer);
        assertThat(answered.answer().next()).isEqualTo(196);
        assertThat(answered.answer().messages()).extracting(MessageExt::getQueueOffset)
            .containsExactlyElementsOf(offsets(132, 196));
        assertThat(answered.ahead().starts()).as("two taken: two more out").containsExactly(260L, 292L);
        assertThat(linkBuffered.get()).isZero();
    }

    @Test
    void aFailedPullAheadStopsReadingAheadAndTheConsumerPullsItself() {
        lane.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = lane.backlogSeen(100, 132, 10_000);
        lane.consumerPulls(132, REQUEST, consumer);

        ReadAheadLane.Step failed = lane.answered(ahead.generation(), 132, null);
        assertThat(failed.consumer()).as("164.. are out but do not cover 132").isSameAs(consumer);
        assertThat(failed.answer()).isNull();
        assertThat(failed.directOffset()).isEqualTo(132);
        assertThat(failed.request()).isEqualTo(REQUEST);
        assertThat(failed.ahead().starts()).isEmpty();

        assertThat(lane.answered(ahead.generation(), 164, range(164, 196)).consumer()).isNull();
        ReadAheadLane.Step later = lane.consumerPulls(132, REQUEST, consumer);
        assertThat(later.directOffset()).as("not streaming: straight to the broker").isEqualTo(132);
    }

    @Test
    void anotherOffsetForgetsEverythingAndOldAnswersAreDropped() {
        lane.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = lane.backlogSeen(100, 132, 10_000);
        lane.answered(ahead.generation(), 164, range(164, 196));
        assertThat(linkBuffered.get()).isPositive();

        ReadAheadLane.Step reset = lane.consumerPulls(5_000, REQUEST, consumer);
        assertThat(reset.directOffset()).isEqualTo(5_000);
        assertThat(linkBuffered.get()).as("forgotten").isZero();
        assertThat(lane.answered(ahead.generation(), 132, range(132, 164)))
            .as("an answer to a pull of before").isEqualTo(ReadAheadLane.Step.only(ReadAheadLane.Plan.NONE));
    }

    @Test
    void aNewSubscriptionForgetsWhatWasReadWithTheOldOne() {
        lane.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = lane.backlogSeen(100, 132, 10_000);
        lane.answered(ahead.generation(), 132, range(132, 164));
        ReadAheadLane.Request sql = new ReadAheadLane.Request("a > 1", "SQL92", 2, 32, 256 * 1024, 3, 15_000, 30_000);

        ReadAheadLane.Step step = lane.consumerPulls(132, sql, consumer);

        assertThat(step.answer()).isNull();
        assertThat(step.directOffset()).isEqualTo(132);
    }

    @Test
    void theLinksBudgetLimitsWhatIsHeldAhead() {
        ReadAheadLane small = new ReadAheadLane(8, 1, linkBuffered);
        small.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = small.backlogSeen(100, 132, 10_000);
        assertThat(ahead.starts()).hasSize(8);
        small.answered(ahead.generation(), 164, range(164, 196));
        assertThat(small.answered(ahead.generation(), 196, range(196, 228)).ahead().starts())
            .as("over budget: no more pulls ahead").isEmpty();
    }

    private static PullWindow.Range range(long start, long next) {
        List<MessageExt> messages = new ArrayList<>();
        for (long offset = start; offset < next; offset++) {
            MessageExt m = new MessageExt();
            m.setQueueOffset(offset);
            m.setBody(new byte[16]);
            messages.add(m);
        }
        return new PullWindow.Range(start, next, messages, 10_000);
    }

    private static List<Long> offsets(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            offsets.add(offset);
        }
        return offsets;
    }
}
