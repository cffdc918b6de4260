package dev.ferry.copy;

/**
 * Whether a link reaches its source, and what the source held, not yet copied, when the link last reached it
 * after not reaching it: at start, or when a failed region comes back.
 *
 * <pre>
 *   never reached --reached(backlog)--&gt; reachable   heldOnReturn = backlog   (at start)
 *   reachable     --lost(why)--------&gt; unreachable                          (source down)
 *   unreachable   --reached(backlog)--&gt; reachable   heldOnReturn = backlog   (source back)
 * </pre>
 *
 * <p>Why the number matters: when a region fails, what it had stored but Ferry had not yet copied is not on
 * the standby. Nothing is lost (it waits in the region's store), and once the region is back the link copies
 * it; this says how much that was, which is what an operator failing back wants to know. The backlog is read
 * from the committed offsets, so it also counts the few messages copied in the last commit interval before
 * the failure, which are copied again.
 *
 * <p>Pure state; the link feeds it from a periodic read of its group's progress on the source. Thread-safe.
 */
final class SourceReach {

    /** What a call changed, so the caller logs one line per change and none otherwise. */
    enum Change { NONE, FIRST_REACHED, BACK, LOST }

    private boolean everReached;
    private boolean reachable;
    private long heldOnReturn = -1;
    private String why;

    /** The source answered; {@code backlog} is what it holds that the link has not copied. */
    synchronized Change reached(long backlog) {
        if (reachable) {
            return Change.NONE;
        }
        reachable = true;
        why = null;
        heldOnReturn = backlog;
        Change change = everReached ? Change.BACK : Change.FIRST_REACHED;
        everReached = true;
        return change;
    }

    /** The source did not answer, for {@code reason}. */
    synchronized Change lost(String reason) {
        why = reason;
        if (!reachable) {
            return Change.NONE;
        }
        reachable = false;
        return Change.LOST;
    }

    synchronized boolean reachable() {
        return reachable;
    }

    /** What the source held, not yet copied, when the link last reached it after not reaching it; -1 before. */
    synchronized long heldOnReturn() {
        return heldOnReturn;
    }

    /** Why the source is not reached; null while it is. */
    synchronized String why() {
        return reachable ? null : why;
    }
}
