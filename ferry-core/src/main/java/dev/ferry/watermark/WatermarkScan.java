package dev.ferry.watermark;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Finds a source queue's watermark in its target queue: reads the target queue backwards, a chunk at a time, from
 * its end, and stops at the first copy of the source queue it meets (the newest, so the highest source offset).
 *
 * <pre>
 *   target queue:  ... [c 41] x x [c 42] x [c 43] y y      c: copies of this source queue (source offset)
 *                                 lower bound ^       ^ end     x, y: other sources, local producers
 *   read backwards from the end: y, y, [c 43] -&gt; watermark 43
 * </pre>
 *
 * <p>Why the newest copy is the highest: a source queue has one writer at a time (the process holding its lock on
 * the source broker) and that writer sends one batch at a time, in offset order, each only after the one before it
 * was acknowledged. So the copies of a source queue lie in the target queue in source-offset order, and everything
 * at or below the newest one's source offset is stored (or was filtered out on purpose: a loop, the backup's
 * filter; either way not to be sent).
 *
 * <p>Where it stops going back: at the lower bound, a target offset known to hold a copy of the queue (the newest
 * offset sync) or the start of the queue: above it lies at most what was copied since that sync was written. Below
 * the start there is nothing; at the bound, no copy above it means none newer than what the bound names. A
 * budget caps the read for a queue with no known sync on a large target queue: reaching it decides nothing, and
 * the caller copies that queue at least once.
 */
final class WatermarkScan {

    static final int MAX_CHUNK = 4096;

    /** One target queue, read by offset. */
    interface QueueReader {
        /** The queue's first offset still stored. */
        long minOffset() throws Exception;

        /** One past the queue's last offset. */
        long maxOffset() throws Exception;

        /** Some of the messages from {@code from} on, at most {@code count}, in offset order; empty when none. */
        List<MessageExt> read(long from, int count) throws Exception;
    }

    /**
     * @param upTo    the watermark ({@link Watermarks#NONE}: no copy of the queue above the bound), when decided
     * @param decided false when the budget ran out first
     * @param read    how many target messages were read
     */
    record Result(long upTo, boolean decided, long read) {
    }

    private WatermarkScan() {
    }

    /**
     * @param lowerBound the target offset of a known copy of the queue (its newest offset sync): the scan goes no
     *                   further back; 0 when none is known
     * @param firstChunk how many messages to read first; each further step back reads twice as many (up to
     *                   {@link #MAX_CHUNK}), so a queue whose newest message is the copy costs one pull
     * @param budget     the most messages to read before giving up
     */
    static Result scan(QueueReader reader, CopyOf copyOf, long lowerBound, int firstChunk, long budget) throws Exception {
        long floor = Math.max(reader.minOffset(), lowerBound);
        long to = reader.maxOffset();
        long read = 0;
        int chunk = firstChunk;
        while (to > floor) {
            if (read >= budget) {
                return new Result(Watermarks.NONE, false, read);
            }
            long from = Math.max(floor, to - chunk);
            List<MessageExt> messages = readRange(reader, from, to);
            read += messages.size();
            for (int i = messages.size() - 1; i >= 0; i--) {
                long offset = copyOf.sourceOffset(messages.get(i));
                if (offset != Watermarks.NONE) {
                    return new Result(offset, true, read);
                }
            }
            to = from;
            chunk = Math.min(MAX_CHUNK, chunk * 2);
        }
        return new Result(Watermarks.NONE, true, read);
    }

    /** Every stored message in [from, to), in offset order: a pull may return fewer than asked. */
    private static List<MessageExt> readRange(QueueReader reader, long from, long to) throws Exception {
        List<MessageExt> range = new ArrayList<>();
        long next = from;
        while (next < to) {
            List<MessageExt> some = reader.read(next, (int) (to - next));
            if (some.isEmpty()) {
                break;
            }
            for (MessageExt message : some) {
                if (message.getQueueOffset() >= next && message.getQueueOffset() < to) {
                    range.add(message);
                }
            }
            long last = some.get(some.size() - 1).getQueueOffset();
            if (last < next) {
                break;
            }
            next = last + 1;
        }
        return range;
    }
}
