package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.cluster.PendingMessages;
import dev.ferry.cluster.TimerWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a link's source for its group's progress, to notice the source going and coming back: one log line when
 * it stops answering, one when it answers again with what it holds that is not yet copied (see
 * {@link SourceReach}). Now and then also how many timer messages the source holds for the link's topics, and
 * delay-level messages for any topic, not yet due, and when the first of each is due: Ferry copies them once due,
 * so until then they are in the source region only.
 */
final class SourceProbe {

    private static final Logger LOG = LoggerFactory.getLogger(SourceProbe.class);
    /**
     * How long between two askings of the pending timer and delayed messages: a few requests per source master, and a
     * read of what entered its timer topic since (see {@link TimerWatch}), on a thread of their own.
     */
    static final Duration PENDING_EVERY = Duration.ofSeconds(5);

    private final ClusterAdmin sourceAdmin;
    private final String group;
    private final List<String> topics;
    private final String linkName;
    private final SourceReach reach = new SourceReach();
    private final TimerWatch timers;
    private volatile PendingMessages pendingTimers = PendingMessages.UNKNOWN;
    private volatile PendingMessages pendingDelayed = PendingMessages.UNKNOWN;

    SourceProbe(ClusterAdmin sourceAdmin, String group, List<String> topics, String linkName) {
        this.sourceAdmin = sourceAdmin;
        this.group = group;
        this.topics = topics;
        this.linkName = linkName;
        this.timers = new TimerWatch(topics, group);
    }

    /**
     * Asks the source now; true when it answered.
     *
     * @param filteredAtBroker the link's subscription is SQL-92, so the backlog counts messages it passes over
     */
    boolean probe(boolean filteredAtBroker) {
        long backlog;
        Instant asked = Instant.now();
        try {
            backlog = LinkProgress.of(sourceAdmin.consumeStats(group, topics), topics, System.currentTimeMillis(),
                queue -> false).backlog();
        } catch (Exception e) {
            String why = ClusterClients.tlsRefusal(sourceAdmin.cluster(), asked, null)
                .orElseGet(() -> SendFailure.describe(e));
            if (reach.lost(why) == SourceReach.Change.LOST) {
                LOG.warn("{}: source '{}' does not answer ({}); what it holds waits there and is copied once it is"
                    + " back", linkName, cluster(), why);
            }
            return false;
        }
        SourceReach.Change change = reach.reached(backlog);
        if (change == SourceReach.Change.BACK || change == SourceReach.Change.FIRST_REACHED && backlog > 0) {
            // Through a broker-side filter the link reads past messages it does not copy: the figure counts them.
            LOG.info("{}: source '{}' {}: it holds {} message(s) not yet {}", linkName, cluster(),
                change == SourceReach.Change.BACK ? "is back" : "reached", backlog,
                filteredAtBroker ? "read by this link (its filter passes over some)" : "copied");
        }
        return true;
    }

    /** Asks the source what it holds not yet due (timer and delay-level messages), and when the first is due. */
    void askPending() {
        try {
            pendingTimers = sourceAdmin.pendingTimerMessages(timers);
            pendingDelayed = sourceAdmin.pendingDelayedMessages(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            pendingTimers = PendingMessages.UNKNOWN;
            pendingDelayed = PendingMessages.UNKNOWN;
        }
    }

    /** Timer messages the source holds for the link's topics, not yet due, and when the first is due. */
    PendingMessages pendingTimers() {
        return pendingTimers;
    }

    /** Delay-level messages the source holds, for any topic, not yet due, and when the first is due. */
    PendingMessages pendingDelayed() {
        return pendingDelayed;
    }

    /** Why the source is not reached; null while it is. */
    String why() {
        return reach.why();
    }

    /** What the source held, not yet copied, when the link last reached it after not reaching it; -1 before. */
    long heldOnReturn() {
        return reach.heldOnReturn();
    }

    private String cluster() {
        return sourceAdmin.cluster().name();
    }
}
