package dev.ferry.copy;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides a link's state, and the reason its status gives, from what is known of it: pure, no I/O.
 *
 * <p>The first that holds wins, from the most to the least an operator must act on:
 *
 * <pre>
 *   failure            FAILED       cannot start, for good (a filter the source cannot run, credentials refused)
 *   stopping           STOPPED
 *   paused             PAUSED       on request; any trouble below (but stalled: nothing is read) said after it
 *   not started        STARTING     waiting for its clusters, saying why
 *   a queue blocked    BLOCKED      a refused message or a revoked right: an operator must act
 *   source silent      UNREACHABLE  the group's progress could not be read
 *   target silent      UNREACHABLE
 *   queues retrying    RETRYING     up to three distinct reasons, a silent target broker first
 *   heartbeats stalled STALLED      copying should flow and does not
 *   otherwise          CATCHING_UP  with a backlog over the threshold, else RUNNING
 * </pre>
 */
final class LinkStateDecider {

    /** Reasons a retrying link's status names at most. */
    private static final int MAX_REASONS = 3;

    /**
     * What is known of a link now; null for a trouble that is not there.
     *
     * @param failure          why the link could not start, for good
     * @param waitingFor       why a link not started yet waits for its clusters
     * @param blocked          why a queue is blocked
     * @param sourceError      why the source did not report the group's progress
     * @param targetDown       why the target does not answer
     * @param targetPartlyDown which target brokers do not answer while others do
     * @param retrying         why each retrying queue retries
     * @param stalled          why the heartbeats say copying stalled
     * @param backlog          messages on the source not yet copied; -1 unknown
     * @param catchingUpAbove  the backlog over which a healthy link is catching up rather than running
     * @param note             what a running link says (reading from slaves), or null
     * @param paused           since when and how the link is paused on request, or null when it is not
     */
    record Facts(String failure, boolean started, boolean stopping, String waitingFor, String blocked,
                 String sourceError, String targetName, String targetDown, String targetPartlyDown,
                 Collection<String> retrying, String stalled, long backlog, long catchingUpAbove, String note,
                 String paused) {
    }

    record Decision(LinkState state, String reason) {
    }

    private LinkStateDecider() {
    }

    static Decision decide(Facts f) {
        if (f.failure() != null) {
            return new Decision(LinkState.FAILED, "cannot start: " + f.failure());
        }
        if (f.paused() == null || f.stopping()) {
            return unpaused(f);
        }
        // What an operator asked wins over what it causes (no heartbeat comes through) and over troubles that
        // would otherwise turn /health to 503: a pod paused for the target's maintenance must not be restarted,
        // which would lose the pause. The trouble is still said, after it.
        Decision meanwhile = unpaused(f);
        boolean worthSaying = switch (meanwhile.state()) {
            case RUNNING, CATCHING_UP, STALLED -> false;
            default -> true;
        };
        return new Decision(LinkState.PAUSED, f.paused() + (worthSaying ? "; meanwhile " + meanwhile.state().text()
            + (meanwhile.reason() == null ? "" : ": " + meanwhile.reason()) : ""));
    }

    private static Decision unpaused(Facts f) {
        if (!f.started()) {
            return new Decision(f.stopping() ? LinkState.STOPPED : LinkState.STARTING,
                f.waitingFor() == null ? null : "waiting for its clusters: " + f.waitingFor());
        }
        if (f.stopping()) {
            return new Decision(LinkState.STOPPED, null);
        }
        if (f.blocked() != null) {
            return new Decision(LinkState.BLOCKED, f.blocked());
        }
        if (f.sourceError() != null) {
            return new Decision(LinkState.UNREACHABLE, f.sourceError());
        }
        if (f.targetDown() != null) {
            return new Decision(LinkState.UNREACHABLE, "target '" + f.targetName() + "' does not answer: "
                + f.targetDown());
        }
        if (!f.retrying().isEmpty() || f.targetPartlyDown() != null) {
            return new Decision(LinkState.RETRYING, retryReasons(f.targetPartlyDown(), f.retrying()));
        }
        if (f.stalled() != null) {
            return new Decision(LinkState.STALLED, f.stalled());
        }
        return new Decision(f.backlog() > f.catchingUpAbove() ? LinkState.CATCHING_UP : LinkState.RUNNING, f.note());
    }

    /**
     * The distinct reasons the link retries, the target's silent brokers first, at most three: a target broker
     * down must not hide a source broker whose queues wait for their master.
     */
    static String retryReasons(String targetPartlyDown, Collection<String> troubles) {
        Set<String> reasons = new LinkedHashSet<>();
        if (targetPartlyDown != null) {
            reasons.add(targetPartlyDown);
        }
        reasons.addAll(troubles);
        List<String> shown = reasons.stream().limit(MAX_REASONS).toList();
        String more = reasons.size() > shown.size() ? " (and " + (reasons.size() - shown.size()) + " more)" : "";
        return String.join("; ", shown) + more;
    }
}
