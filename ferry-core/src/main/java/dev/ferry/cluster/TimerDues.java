package dev.ferry.cluster;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When one master's timer messages for some topics are due, kept from its timer topic as it is read: pure state, no
 * I/O ({@link TimerWatch} reads). Not thread-safe; its owner locks.
 *
 * <p>A RocketMQ 5.x broker stores a timer message first in {@code rmq_sys_wheel_timer} (one queue), with its topic in
 * {@code REAL_TOPIC} and its due time, rounded down to the wheel's precision, in {@code TIMER_OUT_MS}. Its wheel takes
 * the entries in, in offset order, counts them per topic, and delivers, slot by slot, every message due before its
 * read time. The timer checkpoint says how far both have come, as of its last flush (about a second ago): the offset
 * the wheel has taken in up to and its read time. The wheel itself is not readable by a client, but its input is:
 *
 * <pre>
 *   rmq_sys_wheel_timer:  [ ... | taken in by the wheel          | arriving      | not read yet )
 *                                                  checkpoint offset ^        next ^           end ^
 *   waiting (taken in), per due time:  10:00:05 x2  10:00:09 x1  10:03:00 x7
 *                                    ^ the wheel's read time: what is due before it was delivered, forgotten
 *   arriving (read, not yet taken in): 10:00:07 x1          oldest due: 10:00:07
 * </pre>
 *
 * <p>Entries read beyond the checkpoint's offset are kept apart, in offset order, until the wheel has taken them in:
 * before that, a due time already past its read time is not delivered yet (the wheel delivers it on taking it in).
 *
 * <p>Three kinds of entries meet there. A message of a producer counts once. An entry the wheel put back because its
 * delay was longer than the wheel ({@code TIMER_ROLL_TIMES}), a deletion too, was counted when first read and is not
 * counted again. A deletion ({@code TIMER_DEL_UNIQKEY}, with the due time of the message it cancels) takes one message
 * of that due time off, when one is counted.
 *
 * <p>The oldest due time is known only once the topic is read up to its end ({@link #caughtUp}) from a point before
 * which every timer is due ({@link #startAt}, set by the broker's longest delay): before that, an earlier one may lie
 * in what is not read yet. What the broker counts is the check: counting fewer than it means one was missed (its entry
 * deleted with the broker's old files before it was read, say), and the oldest due time is then not known.
 */
final class TimerDues {

    /** What an entry of the timer topic is. */
    enum Kind { TIMER, ROLLED, DELETION }

    private record Entry(long offset, long due, Kind kind) {
    }

    private final Set<String> topics;
    /** Taken in by the wheel and not delivered: due time (epoch millis) to how many. */
    private final TreeMap<Long, Integer> waiting = new TreeMap<>();
    /** Read, of the watched topics, at or beyond the wheel's offset: not taken in as last seen. */
    private final ArrayDeque<Entry> arriving = new ArrayDeque<>();
    /** The next offset of the timer topic to read; -1 before the first read. */
    private long next = -1;
    private boolean caughtUp;

    TimerDues(Collection<String> topics) {
        this.topics = Set.copyOf(topics);
    }

    /** Where reading goes on from; -1 before {@link #startAt}. */
    long next() {
        return next;
    }

    /** Reading starts at {@code offset}, before which every timer is due (unless it started already). */
    void startAt(long offset) {
        if (next < 0) {
            next = offset;
        }
    }

    /** The topic's entries before {@code oldest} are gone (the broker deleted its old files): reading skips them. */
    void notBefore(long oldest) {
        next = Math.max(next, oldest);
    }

    /** One entry read, at the offset before {@code nextOffset}. */
    void read(String realTopic, long dueMillis, Kind kind, long nextOffset) {
        next = nextOffset;
        if (realTopic != null && topics.contains(realTopic) && kind != Kind.ROLLED) {
            arriving.add(new Entry(nextOffset - 1, dueMillis, kind));
        }
    }

    /** Reading has reached {@code end}, the topic's end as the broker last said. */
    void readTo(long end) {
        caughtUp = next >= end;
    }

    /**
     * Where the wheel is, as its checkpoint says: it took in everything before {@code takenInBefore} and delivered
     * everything due before {@code readTimeMillis}.
     */
    void wheelAt(long takenInBefore, long readTimeMillis) {
        while (!arriving.isEmpty() && arriving.peek().offset() < takenInBefore) {
            Entry entry = arriving.poll();
            if (entry.kind() == Kind.TIMER) {
                waiting.merge(entry.due(), 1, Integer::sum);
            } else {
                waiting.computeIfPresent(entry.due(), (due, count) -> count > 1 ? count - 1 : null);
            }
        }
        waiting.headMap(readTimeMillis).clear();
    }

    /**
     * The broker counts none of the topics' timers in its wheel: what was counted is delivered. Entries not yet taken
     * in stay; reading goes on from {@code takenInBefore} at least.
     */
    void noneTakenIn(long takenInBefore) {
        arriving.removeIf(entry -> entry.offset() < takenInBefore);
        waiting.clear();
        notBefore(takenInBefore);
    }

    /** Whether everything up to the topic's end was read. */
    boolean caughtUp() {
        return caughtUp;
    }

    /**
     * The earliest due time waiting (epoch millis); -1 when none waits, or when it is not known: not read to the end
     * yet, or fewer counted than the broker counts in its wheel ({@code brokerCount}).
     */
    long oldestDue(long brokerCount) {
        if (!caughtUp || counted() < brokerCount) {
            return -1;
        }
        long oldest = waiting.isEmpty() ? -1 : waiting.firstKey();
        for (Entry entry : arriving) {
            if (entry.kind() == Kind.TIMER && (oldest < 0 || entry.due() < oldest)) {
                oldest = entry.due();
            }
        }
        return oldest;
    }

    /** How many are counted waiting: taken in and arriving (deletions not yet taken in left aside). */
    int counted() {
        int counted = waiting.values().stream().mapToInt(Integer::intValue).sum();
        for (Entry entry : arriving) {
            counted += entry.kind() == Kind.TIMER ? 1 : 0;
        }
        return counted;
    }

    /** Due times to counts of what the wheel took in, for the tests. */
    Map<Long, Integer> waiting() {
        return Map.copyOf(waiting);
    }
}
