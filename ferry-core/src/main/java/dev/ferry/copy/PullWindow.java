package dev.ferry.copy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The pulls of one source queue made ahead of its consumer, and what they returned, put back in offset order:
 * pure state, no I/O ({@link ReadAhead} makes the pulls). Not thread-safe; its owner locks.
 *
 * <p>A pull from offset {@code s} returns the messages at or after {@code s} that the subscription takes, up to the
 * broker's cap (32 in memory, 8 from disk by default), and where to go on from, {@code n}: the range
 * {@code [s, n)} is <em>complete</em> — every message in it that the subscription takes is in the answer. Pulls
 * made ahead start where the ones before them are expected to end; with a broker-side filter, or a cap that
 * changed, they may overlap or leave a gap:
 *
 * <pre>
 *   pulled ahead:    [100 ........ 132)  [132 ........ 164)  [164 ........ 196)
 *   answers:         [100 .... 120)      [132 ............... 170)   [164 ... 196)
 *                                  gap ^                 overlap ^
 *   consumer asks 100: gets 100..119, next 120 (the first range alone)
 *   consumer asks 120: nothing covers it; a pull from 120 is made; its answer [120, 140) joins [132, 170)
 *                      and [164, 196): 120..195, next 196, each message once, in order
 * </pre>
 *
 * <p>Invariants, which keep the copy in order and complete: the consumer is answered only from {@code offset}
 * onwards and only across ranges that touch each other, so it gets exactly the messages of {@code [offset, next)}
 * its subscription takes, in offset order, as one pull would have returned them; a message is taken from the
 * first range that covers it and never twice. What the consumer does with them (its process queue, the orderly
 * copier, commits) is as without read-ahead.
 */
final class PullWindow {

    /**
     * What one pull returned: the complete range {@code [start, next)}, its messages in offset order, and the
     * queue's end when the broker answered.
     */
    record Range(long start, long next, List<MessageExt> messages, long maxOffset) {

        long bytes() {
            long bytes = 0;
            for (MessageExt message : messages) {
                bytes += message.getBody() == null ? 0 : message.getBody().length;
            }
            return bytes;
        }
    }

    /** What the consumer gets: messages of {@code [from, next)} in order, and the queue's end as last seen. */
    record Answer(List<MessageExt> messages, long next, long maxOffset) {
    }

    private final TreeMap<Long, Range> ranges = new TreeMap<>();
    private final TreeSet<Long> inFlight = new TreeSet<>();
    /** How far one pull reaches, as last seen: where the next pull ahead starts after one in flight. */
    private long stride;
    /** The queue's end as the broker last said; pulls ahead stop there. */
    private long maxOffset = -1;
    private long bufferedBytes;

    /** Forgets everything: the consumer moved (a reset, the queue taken anew) or reading ahead stops. */
    void clear() {
        ranges.clear();
        inFlight.clear();
        bufferedBytes = 0;
    }

    /** A pull from {@code start} is on its way. */
    void pulling(long start) {
        inFlight.add(start);
    }

    /** The pull from {@code start} returned {@code range}. */
    void pulled(Range range) {
        inFlight.remove(range.start());
        if (range.next() <= range.start()) {
            return; // nothing known: past the queue's end
        }
        stride = range.next() - range.start();
        maxOffset = Math.max(maxOffset, range.maxOffset());
        Range old = ranges.put(range.start(), range);
        bufferedBytes += range.bytes() - (old == null ? 0 : old.bytes());
    }

    /** The pull from {@code start} failed or said nothing useful. */
    void failed(long start) {
        inFlight.remove(start);
    }

    /**
     * What can be answered from {@code offset} now: the messages of every range that touches the one before,
     * from the first that covers {@code offset}; empty when none covers it. What is answered is forgotten.
     */
    Optional<Answer> take(long offset) {
        long at = offset;
        List<MessageExt> messages = new ArrayList<>();
        while (true) {
            Range covering = null;
            for (Range range : ranges.headMap(at, true).values()) {
                if (range.next() > at && (covering == null || range.next() > covering.next())) {
                    covering = range;
                }
            }
            if (covering == null) {
                break;
            }
            for (MessageExt message : covering.messages()) {
                if (message.getQueueOffset() >= at) {
                    messages.add(message);
                }
            }
            at = covering.next();
        }
        forgetBelow(Math.max(at, offset));
        return at == offset ? Optional.empty() : Optional.of(new Answer(messages, at, maxOffset));
    }

    private void forgetBelow(long offset) {
        Iterator<Map.Entry<Long, Range>> it = ranges.entrySet().iterator();
        while (it.hasNext()) {
            Range range = it.next().getValue();
            if (range.next() <= offset) {
                bufferedBytes -= range.bytes();
                it.remove();
            }
        }
    }

    /** Whether a pull on its way starts at or before {@code offset}, and so may cover it. */
    boolean mayCover(long offset) {
        Long first = inFlight.floor(offset);
        return first != null;
    }

    /**
     * Where the next pull ahead should start, when fewer than {@code depth} pulls are out or answered and not yet
     * taken, and the queue's end is not reached; from {@code consumerAt} at the earliest.
     */
    OptionalLong nextAhead(long consumerAt, int depth) {
        if (inFlight.size() + ranges.size() >= depth || stride <= 0) {
            return OptionalLong.empty();
        }
        long frontier = consumerAt;
        if (!ranges.isEmpty()) {
            frontier = Math.max(frontier, ranges.values().stream().mapToLong(Range::next).max().orElse(frontier));
        }
        if (!inFlight.isEmpty()) {
            frontier = Math.max(frontier, inFlight.last() + stride);
        }
        if (maxOffset >= 0 && frontier >= maxOffset) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(frontier);
    }

    /** Message bytes answered by pulls and not yet taken by the consumer. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Starts reading ahead from what one pull of the consumer's own returned. */
    void learn(long start, long next, long queueMaxOffset) {
        if (next > start) {
            stride = next - start;
        }
        maxOffset = Math.max(maxOffset, queueMaxOffset);
    }

    boolean isEmpty() {
        return ranges.isEmpty() && inFlight.isEmpty();
    }
}
