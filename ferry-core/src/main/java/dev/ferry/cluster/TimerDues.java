package dev.ferry.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When one master's timer messages for some topics are due, kept from its timer topic as it is read: pure state, no
 * I/O ({@link TimerWatch} reads). Not thread-safe; its owner locks.
 *
 * <p>A RocketMQ 5.x broker stores a timer message first in {@code rmq_sys_wheel_timer} (one queue), with its topic in
 * {@code REAL_TOPIC} and its due time, rounded down to the wheel's precision, in {@code TIMER_OUT_MS}; its wheel takes
 * it from there, and delivers, second by second, every message due before its read time (the timer checkpoint's
 * {@code lastReadTimeMs}). The wheel itself is not readable by a client, but its input is: so this counts, per due
 * time, what entered the topic for the watched topics, and forgets what lies before the read time:
 *
 * <pre>
 *   rmq_sys_wheel_timer:  [ ... read ... | next ... end)        each entry: REAL_TOPIC, TIMER_OUT_MS
 *   waiting, per due time:   10:00:05 x2   10:00:09 x1   10:03:00 x7
 *                                       ^ the wheel's read time: what is due before it was delivered, forgotten
 *   oldest due: 10:00:09
 * </pre>
 *
 * <p>Three kinds of entries meet there. A message of a producer counts once. A message the wheel put back because
 * its delay was longer than the wheel ({@code TIMER_ROLL_TIMES}) was counted when first read and is not counted
 * again. A deletion ({@code TIMER_DEL_UNIQKEY}, with the due time of the message it cancels) takes one message of
 * that due time off, when one is counted.
 *
 * <p>The oldest due time is known only once the topic is read up to its end ({@link #caughtUp}) from a point before
 * which every timer is due ({@link #startAt}, set by the broker's longest delay): before that, an earlier one may
 * lie in what is not read yet. When the broker counts none waiting for the topics ({@link #noneWaiting}), what is
 * counted is dropped and reading goes on from the end.
 */
final class TimerDues {

    /** What an entry of the timer topic is. */
    enum Kind { TIMER, ROLLED, DELETION }

    private final Set<String> topics;
    /** Due time (epoch millis) to how many wait with it. */
    private final TreeMap<Long, Integer> waiting = new TreeMap<>();
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
        if (realTopic == null || !topics.contains(realTopic)) {
            return;
        }
        switch (kind) {
            case TIMER -> waiting.merge(dueMillis, 1, Integer::sum);
            case DELETION -> waiting.computeIfPresent(dueMillis, (due, count) -> count > 1 ? count - 1 : null);
            case ROLLED -> {
                // counted when its producer's message was read
            }
        }
    }

    /** Reading has reached {@code end}, the topic's end as the broker last said. */
    void readTo(long end) {
        caughtUp = next >= end;
    }

    /** The wheel delivered everything due before {@code readTimeMillis}. */
    void deliveredBefore(long readTimeMillis) {
        waiting.headMap(readTimeMillis).clear();
    }

    /** The broker counts none waiting for the topics: what is counted is delivered, and reading goes on at {@code end}. */
    void noneWaiting(long end) {
        waiting.clear();
        next = Math.max(next, end);
        caughtUp = true;
    }

    /** Whether everything up to the topic's end was read, so {@link #oldestDue} is known. */
    boolean caughtUp() {
        return caughtUp;
    }

    /** The earliest due time waiting (epoch millis), or -1 when none waits or it is not known yet. */
    long oldestDue() {
        if (!caughtUp || waiting.isEmpty()) {
            return -1;
        }
        return waiting.firstKey();
    }

    /** How many are counted waiting, for the tests. */
    int counted() {
        return waiting.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Due times to counts, for the tests. */
    Map<Long, Integer> waiting() {
        return Map.copyOf(waiting);
    }
}
