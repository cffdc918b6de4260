package dev.ferry.copy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.rocketmq.client.consumer.PullCallback;

/**
 * One source queue's read-ahead: what to do on each event, decided under the lane's lock, with no I/O
 * ({@link ReadAhead} makes the pulls and calls the consumer back). Each event returns a {@link Step}: answer the
 * consumer's waiting pull from the window, make it as the consumer would (when reading ahead stops), or neither;
 * and which pulls to make ahead.
 *
 * <pre>
 *   idle ------- the consumer's own pull comes back full, more behind it ------&gt; streaming
 *   streaming -- a pull ahead fails, or reaches the queue's end ---------------&gt; idle (what is held is still used)
 *   any -------- the consumer asks another offset or with a new subscription --&gt; idle, everything forgotten
 * </pre>
 *
 * <p>How many pulls are out while streaming is {@link PullDepth}'s to say, from the round trips and the pace the
 * lane measures here: few on loopback, many across a region.
 */
final class ReadAheadLane {

    /** The consumer's pull arguments, which pulls made ahead repeat (minus suspending and committing). */
    record Request(String subExpression, String expressionType, long subVersion, int maxNums, int maxSizeInBytes,
                   int sysFlag, long brokerSuspendMaxTimeMillis, long timeoutMillis) {

        boolean sameSubscription(Request other) {
            return other != null && subVersion == other.subVersion
                && Objects.equals(subExpression, other.subExpression);
        }
    }

    /** Pulls to make ahead, with the arguments and the generation they were planned under. */
    record Plan(List<Long> starts, Request request, long generation) {
        static final Plan NONE = new Plan(List.of(), null, 0);
    }

    /**
     * What to do now: call {@code consumer} back with {@code answer}, or make its pull from {@code directOffset}
     * as it would have (when {@code answer} is null and {@code consumer} is not); then make {@code ahead}.
     */
    record Step(PullCallback consumer, PullWindow.Answer answer, long directOffset, Request request, Plan ahead) {
        static Step only(Plan ahead) {
            return new Step(null, null, -1, null, ahead);
        }
    }

    private final PullWindow window = new PullWindow();
    private final PullDepth depth;
    private final long budgetBytes;
    /** Bytes held ahead over every lane of the link. */
    private final AtomicLong linkBuffered;
    private final LongSupplier nanoClock;
    /** When each pull out ahead was made, by its start offset: its round trip is measured when it is answered. */
    private final Map<Long, Long> sentNanos = new HashMap<>();
    /** When the consumer's own last pull was made; -1 before any. */
    private long directSentNanos = -1;
    private long generation;
    private long consumerAt = -1;
    private boolean streaming;
    private Request request;
    private PullCallback waiter;
    private long waiterOffset;

    /**
     * @param most         the most pulls out at once
     * @param budgetBytes  the most message bytes the link holds read ahead, over every lane
     * @param linkBuffered what the link holds now
     * @param nanoClock    {@link System#nanoTime}, or a test's clock
     */
    ReadAheadLane(int most, long budgetBytes, AtomicLong linkBuffered, LongSupplier nanoClock) {
        this.depth = new PullDepth(most);
        this.budgetBytes = budgetBytes;
        this.linkBuffered = linkBuffered;
        this.nanoClock = nanoClock;
    }

    /** The pulls this lane keeps out now: its measured depth while streaming, 0 while idle. */
    synchronized int streamingDepth() {
        return streaming ? depth.depth() : 0;
    }

    /** The consumer pulls from {@code offset}. */
    synchronized Step consumerPulls(long offset, Request asked, PullCallback callback) {
        long before = window.bufferedBytes();
        if (consumerAt != offset || !asked.sameSubscription(request)) {
            reset();
        }
        request = asked;
        consumerAt = offset;
        Step step;
        Optional<PullWindow.Answer> ready = window.take(offset);
        if (ready.isPresent()) {
            consumerAt = ready.get().next();
            depth.taken(consumerAt - offset, nanoClock.getAsLong());
            step = new Step(callback, ready.get(), -1, null, plan());
        } else if (streaming) {
            waiter = callback;
            waiterOffset = offset;
            step = Step.only(plan());
        } else {
            directSentNanos = nanoClock.getAsLong();
            step = new Step(callback, null, offset, asked, Plan.NONE);
        }
        linkBuffered.addAndGet(window.bufferedBytes() - before);
        return step;
    }

    /** The consumer's own pull from {@code offset} came back full up to {@code next}, the queue ending at
     *  {@code maxOffset}: more is behind it, so reading ahead starts. */
    synchronized Plan backlogSeen(long offset, long next, long maxOffset) {
        if (consumerAt != offset || next >= maxOffset) {
            return Plan.NONE;
        }
        depth.pulled(directSentNanos < 0 ? -1 : nanoClock.getAsLong() - directSentNanos, next - offset);
        window.learn(offset, next, maxOffset);
        consumerAt = next;
        streaming = true;
        return plan();
    }

    /** The pull from {@code start} planned under {@code planned} returned {@code range}; null: it failed or
     *  reached the queue's end. */
    synchronized Step answered(long planned, long start, PullWindow.Range range) {
        if (planned != generation) {
            return Step.only(Plan.NONE);
        }
        long before = window.bufferedBytes();
        Long sent = sentNanos.remove(start);
        if (range == null) {
            window.failed(start);
            stopStreaming();
        } else {
            window.pulled(range);
            depth.pulled(sent == null ? -1 : nanoClock.getAsLong() - sent, range.next() - range.start());
        }
        Step step = Step.only(Plan.NONE);
        if (waiter != null) {
            Optional<PullWindow.Answer> ready = window.take(waiterOffset);
            if (ready.isPresent()) {
                consumerAt = ready.get().next();
                depth.taken(consumerAt - waiterOffset, nanoClock.getAsLong());
                step = new Step(waiter, ready.get(), -1, null, Plan.NONE);
                waiter = null;
            } else if (!streaming && !window.mayCover(waiterOffset)) {
                directSentNanos = nanoClock.getAsLong();
                step = new Step(waiter, null, waiterOffset, request, Plan.NONE);
                waiter = null;
            }
        }
        Plan ahead = streaming ? plan() : Plan.NONE;
        linkBuffered.addAndGet(window.bufferedBytes() - before);
        return new Step(step.consumer(), step.answer(), step.directOffset(), step.request(), ahead);
    }

    /** Forgets everything: the queue moved away. */
    synchronized void forget() {
        linkBuffered.addAndGet(-window.bufferedBytes());
        reset();
    }

    private void reset() {
        generation++;
        window.clear();
        sentNanos.clear();
        stopStreaming();
        waiter = null;
    }

    private void stopStreaming() {
        streaming = false;
        depth.idle();
    }

    /**
     * The pulls to make now, marked as out: the consumer's waiting pull when nothing out covers it, then pulls
     * ahead up to the depth measured, while the link holds less than its budget.
     */
    private Plan plan() {
        if (!streaming) {
            return Plan.NONE;
        }
        List<Long> starts = new ArrayList<>();
        long now = nanoClock.getAsLong();
        if (waiter != null && !window.mayCover(waiterOffset)) {
            window.pulling(waiterOffset);
            sentNanos.put(waiterOffset, now);
            starts.add(waiterOffset);
        }
        while (linkBuffered.get() < budgetBytes) {
            OptionalLong next = window.nextAhead(consumerAt, depth.depth());
            if (next.isEmpty()) {
                break;
            }
            window.pulling(next.getAsLong());
            sentNanos.put(next.getAsLong(), now);
            starts.add(next.getAsLong());
        }
        return new Plan(starts, request, generation);
    }
}
