package dev.ferry.copy;

import dev.ferry.cluster.ClusterClients;
import dev.ferry.cluster.MasterDown;
import dev.ferry.config.ClusterConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.remoting.exception.RemotingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's start: now, or, when the source or the target does not answer (a region down while Ferry restarts),
 * later, tried again every few seconds until both answer, while the other links of the process run.
 *
 * <pre>
 *   start() --ok--------------------------------&gt; started
 *           --a cluster does not answer--&gt; waiting (why) --every 5 s: ok--&gt; started
 *                                                  |      --does not answer--&gt; waiting (why)
 *                                                  +------ --anything else--&gt; failed (why), for good
 *           --anything else--&gt; thrown to the caller (a filter the source cannot run, refused credentials)
 * </pre>
 */
final class LinkStartup {

    private static final Logger LOG = LoggerFactory.getLogger(LinkStartup.class);
    /** How often a link whose clusters do not answer at start tries again. */
    private static final long RETRY_MILLIS = 5_000;

    /** The start proper: asks the clusters first, so that one that fails part way can be tried again. */
    interface Attempt {
        void run() throws Exception;
    }

    /** A source that answers, but not yet about the link's topics (routes not back after a restart). */
    static final class NotReady extends Exception {
        NotReady(String message) {
            super(message);
        }
    }

    private final String linkName;
    private final ScheduledExecutorService scheduler;
    private final Attempt attempt;
    /** Its source and target: a refused TLS handshake is said as such (RocketMQ says "send request failed"). */
    private final List<ClusterConfig> clusters;
    private volatile boolean closed;
    /** Why the link has not started yet, while it waits for its clusters; null otherwise. */
    private volatile String waitingFor;
    /** Why the link could not start, for good; null otherwise. */
    private volatile String failure;

    LinkStartup(String linkName, ScheduledExecutorService scheduler, Attempt attempt, List<ClusterConfig> clusters) {
        this.linkName = linkName;
        this.scheduler = scheduler;
        this.attempt = attempt;
        this.clusters = clusters;
    }

    /** Starts now, or schedules the retries when a cluster does not answer; throws anything else. */
    void start() throws Exception {
        Instant tried = Instant.now();
        try {
            attempt.run();
        } catch (Exception e) {
            if (!unreachable(e)) {
                throw e;
            }
            waitingFor = why(e, tried);
            LOG.warn("{}: cannot start yet, a cluster does not answer ({}); trying again every {} s", linkName,
                waitingFor, RETRY_MILLIS / 1000);
            scheduler.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void retry() {
        Instant tried = Instant.now();
        try {
            attempt.run();
            if (closed) {
                return;
            }
            LOG.info("{}: started after waiting for its clusters", linkName);
            waitingFor = null;
        } catch (Exception e) {
            if (closed) {
                return;
            }
            if (unreachable(e)) {
                waitingFor = why(e, tried);
                scheduler.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                failure = SendFailure.describe(e);
                LOG.error("{}: cannot start: {}", linkName, failure, e);
            }
        }
    }

    private String why(Exception e, Instant tried) {
        for (ClusterConfig cluster : clusters) {
            Optional<String> refusal = ClusterClients.tlsRefusal(cluster, tried, null);
            if (refusal.isPresent()) {
                return "cluster '" + cluster.name() + "': TLS refused: " + refusal.get();
            }
        }
        return SendFailure.describe(e);
    }

    /** No more tries. */
    void close() {
        closed = true;
    }

    String waitingFor() {
        return waitingFor;
    }

    String failure() {
        return failure;
    }

    /** A cluster that does not answer, or not yet fully, as opposed to one that answers no. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RemotingException || t instanceof NotReady || t instanceof MasterDown) {
                return true;
            }
        }
        return false;
    }
}
