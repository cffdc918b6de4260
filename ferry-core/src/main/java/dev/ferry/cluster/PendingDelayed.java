package dev.ferry.cluster;

/**
 * Delay-level messages a cluster holds and has not delivered yet (see {@code PendingDelays}): how many, and when the
 * first of them is due.
 *
 * @param count           messages not yet delivered, over all the cluster's topics
 * @param oldestDueMillis when the first of them is due (epoch millis; in the past when the broker is late), or -1
 *                        when none waits or the cluster does not say (it refuses reads of its schedule topic)
 */
public record PendingDelayed(long count, long oldestDueMillis) {

    /** What a cluster that does not say (a refusal, no answer) is shown as. */
    public static final PendingDelayed UNKNOWN = new PendingDelayed(-1, -1);

    /** Both clusters' messages: counts added, the earlier due time kept. */
    PendingDelayed and(PendingDelayed other) {
        long due = oldestDueMillis < 0 ? other.oldestDueMillis
            : other.oldestDueMillis < 0 ? oldestDueMillis : Math.min(oldestDueMillis, other.oldestDueMillis);
        return new PendingDelayed(count + other.count, due);
    }
}
