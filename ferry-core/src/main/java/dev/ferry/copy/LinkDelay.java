package dev.ferry.copy;

/**
 * The one delay figure a link reports (status, demo, HTTP): how far the target is behind the source, in ms.
 *
 * <p>Two measures, each right in its own case:
 * <ul>
 *   <li>A link that keeps up copies each message within milliseconds, and its heartbeat, written every second
 *       and copied like any message, measures exactly that: source store time to the target's acknowledgement.
 *   <li>A link with a backlog is as far behind as the age of where it stands: how long ago the last message it
 *       copied was stored ({@link LinkProgress#delayMillis()}).
 * </ul>
 *
 * <p>Why the age is not used whenever anything at all is not yet copied: at a low rate some message is nearly
 * always on its way (read, being sent), and the age of the one before it is the time between two messages of
 * a queue, not a delay; at 50 msg/s over 4 queues the figure read ~150 ms while every copy took ~3 ms. So a
 * link counts as keeping up while no queue holds more unread messages than one pull takes and its heartbeats
 * come through; a backlog beyond that, or heartbeats that stopped, bring the age back.
 */
final class LinkDelay {

    /** A heartbeat acknowledged longer ago than this says nothing about now: the next ones are missing. */
    static final long HEARTBEAT_FRESH_MILLIS = 3 * Heartbeats.INTERVAL_MILLIS;

    private LinkDelay() {
    }

    /**
     * @param heartbeatDelay the newest copied heartbeat's delay; -1 before the first
     * @param heartbeatAge   how long ago that heartbeat's copy was acknowledged; -1 before the first
     * @param pullMessages   the most messages one pull of a queue takes
     */
    static long of(LinkProgress progress, long heartbeatDelay, long heartbeatAge, int pullMessages) {
        if (heartbeatDelay < 0) {
            return progress.delayMillis();
        }
        if (progress.backlog() == 0) {
            return heartbeatDelay; // nothing waits: as far behind as the newest heartbeat took to get through
        }
        boolean keepingUp = progress.mostUnread() <= pullMessages && heartbeatAge >= 0
            && heartbeatAge <= HEARTBEAT_FRESH_MILLIS;
        return keepingUp ? heartbeatDelay : progress.delayMillis();
    }
}
