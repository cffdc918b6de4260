package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
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
    private final AtomicLong clock = new AtomicLong();
    private final ReadAheadLane lane = new ReadAheadLane(4, 1024 * 1024, linkBuffered, clock::get);
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
        assertThat(ahead.starts()).as("2 out to begin with, 32 apart").containsExactly(132L, 164L);

        ReadAheadLane.Step waiting = lane.consumerPulls(132, REQUEST, consumer);
        assertThat(waiting.consumer()).as("a pull out covers 132: wait for it").isNull();
        assertThat(lane.answered(ahead.generation(), 164, range(164, 196)).consumer()).isNull();

        ReadAheadLane.Step answered = lane.answered(ahead.generation(), 132, range(132, 164));
        assertThat(answered.consumer()).isSameAs(consumer);
        assertThat(answered.answer().next()).isEqualTo(196);
        assertThat(answered.answer().messages()).extracting(MessageExt::getQueueOffset)
            .containsExactlyElementsOf(offsets(132, 196));
        assertThat(answered.ahead().starts()).as("two taken: two more out").containsExactly(196L, 228L);
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
        ReadAheadLane small = new ReadAheadLane(8, 1, linkBuffered, clock::get);
        small.consumerPulls(100, REQUEST, consumer);
        ReadAheadLane.Plan ahead = small.backlogSeen(100, 132, 10_000);
        assertThat(ahead.starts()).hasSize(2);
        assertThat(small.answered(ahead.generation(), 164, range(164, 196)).ahead().starts())
            .as("over budget: no more pulls ahead").isEmpty();
        assertThat(small.answered(ahead.generation(), 132, range(132, 164)).ahead().starts()).isEmpty();
    }

    @Test
    void acrossARegionItKeepsEnoughPullsOutForTheCopiersPace() {
        ReadAheadLane far = new ReadAheadLane(16, 1L << 30, linkBuffered, clock::get);
        QueueSimulation run = new QueueSimulation(far, 50, 0.5).run(2_000);
        assertThat(far.streamingDepth()).as("50 ms x 64 offsets/ms needs more than the most").isEqualTo(16);
        assertThat(run.taken()).as("every offset once, in order").isEqualTo(offsets(100, run.at()));
        assertThat(run.at() - 100).as("16 pulls of 32 a round trip for most of 2 s").isGreaterThan(8_000);
    }

    @Test
    void onLoopbackTwoPullsOutAreEnough() {
        ReadAheadLane near = new ReadAheadLane(16, 1L << 30, linkBuffered, clock::get);
        QueueSimulation run = new QueueSimulation(near, 1, 4).run(2_000);
        assertThat(near.streamingDepth()).isEqualTo(2);
        assertThat(run.taken()).isEqualTo(offsets(100, run.at()));
    }

    /**
     * One queue with an endless backlog on fake time: the broker answers each pull 32 messages, {@code rttMillis}
     * after it is made; the consumer asks again {@code takeMillis} after each answer.
     */
    private final class QueueSimulation {
        private final ReadAheadLane lane;
        private final long rttNanos;
        private final long takeNanos;
        /** {when, -1, 0}: the consumer asks; {when, start, generation}: the broker answers a pull. */
        private final PriorityQueue<long[]> events = new PriorityQueue<>(Comparator.comparingLong(e -> e[0]));
        private final List<Long> taken = new ArrayList<>();
        private long at = 100;

        QueueSimulation(ReadAheadLane lane, long rttMillis, double takeMillis) {
            this.lane = lane;
            this.rttNanos = rttMillis * 1_000_000;
            this.takeNanos = (long) (takeMillis * 1_000_000);
        }

        QueueSimulation run(long millis) {
            clock.set(0);
            assertThat(lane.consumerPulls(at, REQUEST, consumer).directOffset()).isEqualTo(at);
            clock.set(rttNanos);
            // The consumer's own first pull comes back full, a long backlog behind it.
            handle(new ReadAheadLane.Step(consumer, new PullWindow.Answer(range(at, at + 32).messages(), at + 32,
                1L << 40), -1, null, lane.backlogSeen(at, at + 32, 1L << 40)));
            while (!events.isEmpty() && events.peek()[0] < millis * 1_000_000) {
                long[] event = events.poll();
                clock.set(event[0]);
                if (event[1] < 0) {
                    handle(lane.consumerPulls(at, REQUEST, consumer));
                } else {
                    handle(lane.answered(event[2], event[1], range(event[1], event[1] + 32)));
                }
            }
            return this;
        }

        private void handle(ReadAheadLane.Step step) {
            assertThat(step.directOffset()).as("an endless backlog is never pulled directly").isEqualTo(-1);
            if (step.answer() != null) {
                step.answer().messages().forEach(m -> taken.add(m.getQueueOffset()));
                at = step.answer().next();
                events.add(new long[] {clock.get() + takeNanos, -1, 0});
            }
            for (long start : step.ahead().starts()) {
                events.add(new long[] {clock.get() + rttNanos, start, step.ahead().generation()});
            }
        }

        List<Long> taken() {
            return taken;
        }

        long at() {
            return at;
        }
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
