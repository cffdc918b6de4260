package dev.ferry.cluster;

/**
 * Messages a cluster holds and has not delivered yet because they are not due: delay-level messages (see
 * {@code PendingDelays}) or timer messages (see {@code TimerWatch}). How many, and when the first of them is due.
 *
 * @param count           messages not yet delivered; -1 when the cluster does not say
 * @param oldestDueMillis when the first of them is due (epoch millis; in the past when the broker is late), or -1
 *                        when none waits or it is not known (the cluster refuses reads of its system topic, or Ferry
 *                        has not read it through yet)
 */
public record PendingMessages(long count, long oldestDueMillis) {

    /** What a cluster that does not say (a refusal, no answer) is shown as. */
    public static final PendingMessages UNKNOWN = new PendingMessages(-1, -1);

    /**
     * Both masters' messages: counts added, the earlier due time kept. When one holds some without saying when they
     * are due, the first due is not known: a later one of the other must not stand for it.
     */
    PendingMessages and(PendingMessages other) {
        if (dueUnknown() || other.dueUnknown()) {
            return new PendingMessages(count + other.count, -1);
        }
        long due = oldestDueMillis < 0 ? other.oldestDueMillis
            : other.oldestDueMillis < 0 ? oldestDueMillis : Math.min(oldestDueMillis, other.oldestDueMillis);
        return new PendingMessages(count + other.count, due);
    }

    private boolean dueUnknown() {
        return count > 0 && oldestDueMillis < 0;
    }
}
