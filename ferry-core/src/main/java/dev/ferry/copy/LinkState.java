package dev.ferry.copy;

/** Where a link stands, as an operator would say it. */
public enum LinkState {
    /** Preparing groups and topics; nothing copied yet. */
    STARTING,
    /** Copying, with the backlog small. */
    RUNNING,
    /** Copying a backlog larger than a few batches. */
    CATCHING_UP,
    /** The target does not take messages now (busy, throttling, down); the backlog waits on the source. */
    RETRYING,
    /** The source or the target does not answer; what the source holds waits there. */
    UNREACHABLE,
    /** Both clusters answer, yet the link's heartbeats have not come through for a while (see the reason). */
    STALLED,
    /**
     * A queue stopped at a message the target refuses for good ({@code onError: block}), or at a right the target's
     * user lacks (ACL): an operator's to fix; it copies on by itself once fixed.
     */
    BLOCKED,
    /**
     * Paused on an operator's request ({@code bin/ferry pause}): reads nothing more from the source until resumed;
     * what it had read is sent and committed, its progress stays, and its backlog grows on the source. As asked, so
     * healthy: {@code /health} stays 200 (a pod paused for maintenance is not restarted). In this process only.
     */
    PAUSED,
    /** The link could not start or stopped on an error it cannot get past by itself. */
    FAILED,
    /** Stopped on request. */
    STOPPED;

    /** As operators read it, in logs, tables and metric labels: {@code catching-up}, not {@code CATCHING_UP}. */
    public String text() {
        return name().toLowerCase().replace('_', '-');
    }
}
