package dev.ferry.copy;

/**
 * Whether a link's heartbeats stopped getting through: the catch-all for a link that looks fine from the
 * outside (both clusters answer, no send failing) yet copies nothing — a lost queue lock, a consumer that stopped
 * pulling.
 *
 * <pre>
 *   source takes a heartbeat every second:  w  w  w  w  w  w  w  w  w  w  w  w
 *   the target acknowledged copies:         c  c  c
 *                                                 |---- longer than STALL ----|  stalled
 * </pre>
 *
 * <p>Only judged where it can be: in the process that holds the link's heartbeat queue (with several Ferry
 * processes, one of them copies the heartbeats), while heartbeats are being written (a source that does not take
 * them is reported as unreachable instead), and once the link has run longer than the limit. Pure.
 */
final class HeartbeatCheck {

    /** A link whose heartbeat has not come through for this long counts as stalled. */
    static final long STALL_MILLIS = 10_000;
    /** Writes older than this mean the source does not take heartbeats now: nothing to expect. */
    private static final long WRITES_FRESH_MILLIS = 3 * Heartbeats.INTERVAL_MILLIS;

    private HeartbeatCheck() {
    }

    /**
     * @param startedAt        when the link started copying, epoch millis
     * @param lastWritten      when the source last took a heartbeat; 0 before the first
     * @param lastCopied       when the target last acknowledged a heartbeat's copy; 0 before the first
     * @param copiesHeartbeats whether this process holds the link's heartbeat queue
     * @return why the link counts as stalled, or null when it does not
     */
    static String stalled(long now, long startedAt, long lastWritten, long lastCopied, boolean copiesHeartbeats) {
        if (!copiesHeartbeats || lastWritten == 0 || now - lastWritten > WRITES_FRESH_MILLIS) {
            return null;
        }
        long since = Math.max(startedAt, lastCopied);
        long quiet = now - since;
        if (quiet <= STALL_MILLIS) {
            return null;
        }
        return lastCopied == 0
            ? "no heartbeat copied in the " + quiet / 1000 + " s since the link started, though the source takes one every second"
            : "no heartbeat copied for " + quiet / 1000 + " s, though the source takes one every second";
    }
}
