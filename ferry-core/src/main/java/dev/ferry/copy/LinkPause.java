package dev.ferry.copy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's pause of one link ({@code bin/ferry pause}), in this process only.
 *
 * <p>Why RocketMQ's own {@code suspend} of the link's push consumer, rather than a copier that refuses what it is
 * handed: a suspended consumer pulls nothing more (its pull requests wait, a second at a time) while everything
 * already pulled is still handed to the copier, sent and committed, so nothing sits in memory for the length of the
 * pause and the committed offsets say exactly what is on the target. It also holds the consumer's rebalancing, so
 * the process keeps the queues it holds and their locks (renewed as ever): no other process copies them meanwhile,
 * and on resume copying goes on from the committed offsets, in order, nothing lost or copied twice.
 *
 * <pre>
 *   running:  pull --&gt; copier --&gt; target, offsets committed                    backlog ~ 0
 *   pause:    no pull; what was pulled is copied and committed; heartbeats still written, status still sampled
 *             source keeps taking traffic                                         backlog grows, state paused
 *   resume:   rebalance now, pull from the committed offsets                      backlog drains
 * </pre>
 *
 * <p>What the pause does not do: it does not reach other processes running the same file (each pauses its own
 * links, the command talks to one), and it does not survive a restart (the link runs again).
 */
final class LinkPause {

    private static final Logger LOG = LoggerFactory.getLogger(LinkPause.class);

    private final String linkName;
    private final String source;
    private final String group;
    private final DefaultMQPushConsumer consumer;
    /** Whether the consumer runs now (started, not stopping): only then may it be resumed, which rebalances. */
    private final BooleanSupplier consumerRuns;
    /** When the link was paused, epoch millis; 0 while it is not. */
    private volatile long pausedAtMillis;
    private volatile long resumedAtMillis;

    LinkPause(String linkName, String source, String group, DefaultMQPushConsumer consumer,
              BooleanSupplier consumerRuns) {
        this.linkName = linkName;
        this.source = source;
        this.group = group;
        this.consumer = consumer;
        this.consumerRuns = consumerRuns;
    }

    /** Pauses; before the consumer starts, it starts paused. False when paused already: nothing changed. */
    boolean pause() {
        synchronized (this) {
            if (pausedAtMillis != 0) {
                return false;
            }
            pausedAtMillis = System.currentTimeMillis();
            // The flag alone: the consumer's start leaves it as it is, and its pulls read it each time.
            consumer.getDefaultMQPushConsumerImpl().setPause(true);
        }
        LOG.info("{}: paused: reads nothing more from '{}' until resumed; what it read already is sent and"
            + " committed, and its progress stays in group {}", linkName, source, group);
        return true;
    }

    /** Resumes, rebalancing at once (processes may have come or gone meanwhile). False when not paused. */
    boolean resume() {
        long pausedFor;
        synchronized (this) {
            if (pausedAtMillis == 0) {
                return false;
            }
            long now = System.currentTimeMillis();
            pausedFor = now - pausedAtMillis;
            pausedAtMillis = 0;
            resumedAtMillis = now;
            if (consumerRuns.getAsBoolean()) {
                consumer.resume();
            } else {
                consumer.getDefaultMQPushConsumerImpl().setPause(false); // it starts, or stops, unpaused
            }
        }
        LOG.info("{}: resumed after {} s paused: copies on from its committed offsets", linkName, pausedFor / 1000);
        return true;
    }

    boolean paused() {
        return pausedAtMillis != 0;
    }

    /** When the link was last resumed, epoch millis; 0 if never: its heartbeats are judged from then on. */
    long resumedAtMillis() {
        return resumedAtMillis;
    }

    /** What the link's status says while paused; null while it is not. */
    String reason() {
        long since = pausedAtMillis;
        return since == 0 ? null : "paused on request at " + Instant.ofEpochMilli(since).truncatedTo(ChronoUnit.SECONDS)
            + ": reads nothing from '" + source + "' until resumed, with bin/ferry resume";
    }
}
