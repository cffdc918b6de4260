package dev.ferry.copy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's pause of one link ({@code bin/ferry pause}), in this process only.
 *
 * <p>Two holds, so that once {@link #pause} returns nothing more reaches the target and nothing more is read:
 * <ul>
 *   <li>the copier is handed nothing new ({@link #holding}; reads from a slave ask {@link #beginCopy} likewise): a
 *       copy under way when the pause comes finishes (its batches sent, acknowledged, their offsets committed), and
 *       the pause waits for it; the next calls put their messages back, in order, to be handed again once resumed;</li>
 *   <li>the link's push consumer is suspended (RocketMQ's own {@code suspend}): it pulls nothing more (a pull the
 *       broker holds when the pause comes may still bring one batch per queue into memory). That also holds its
 *       rebalancing, so the process keeps the queues it holds and their locks (renewed as ever): no other process
 *       copies them meanwhile.</li>
 * </ul>
 * What was read and not copied waits in memory (bounded, as ever, by {@code copy.maxInFlightMiB}; {@code inFlightBytes}
 * shows it), its offsets not committed: after a crash it is read again. On resume the copier is handed it first, and
 * the consumer pulls on from there: in order, nothing lost, nothing copied twice.
 *
 * <pre>
 *   running:  pull --&gt; copier --&gt; target, offsets committed                    backlog ~ 0
 *   pause:    the copy under way ends; no pull, no copy; heartbeats still written, status still sampled
 *             the source keeps taking traffic                                     backlog grows, state paused
 *   resume:   rebalance now; what waits in memory is copied, then pulls go on     backlog drains
 * </pre>
 *
 * <p>What the pause does not do: it does not reach other processes running the same file (each pauses its own
 * links, the command talks to one), and it does not survive a restart (the link runs again).
 */
final class LinkPause {

    private static final Logger LOG = LoggerFactory.getLogger(LinkPause.class);
    /** How often a paused link's queues offer their messages to the copier again: the delay of a resume. */
    static final long HOLD_MILLIS = 500;
    /**
     * Longest a pause waits for the copies under way: a send's timeout and then some, and less than the HTTP
     * endpoint gives a control request (30 s), so that the answer always arrives and says whether they ended.
     */
    private static final long COPY_WAIT_MILLIS = 20_000;

    private final String linkName;
    private final String source;
    private final String group;
    private final DefaultMQPushConsumer consumer;
    /** Whether the consumer runs now (started, not stopping): only then may it be resumed, which rebalances. */
    private final BooleanSupplier consumerRuns;
    /** When the link was paused, epoch millis; 0 while it is not. */
    private volatile long pausedAtMillis;
    private volatile long resumedAtMillis;
    /** Copies under way (the copier's, and reads from a slave): guarded by this. */
    private int copying;

    LinkPause(String linkName, String source, String group, DefaultMQPushConsumer consumer,
              BooleanSupplier consumerRuns) {
        this.linkName = linkName;
        this.source = source;
        this.group = group;
        this.consumer = consumer;
        this.consumerRuns = consumerRuns;
    }

    /**
     * Pauses; before the consumer starts, it starts paused. Returns once the copies under way have ended (sent,
     * acknowledged, committed), or after {@value #COPY_WAIT_MILLIS} ms, saying so in the log.
     *
     * @return false when it was paused already: nothing changed
     */
    boolean pause() {
        synchronized (this) {
            if (pausedAtMillis != 0) {
                return false;
            }
            pausedAtMillis = System.currentTimeMillis();
            // The flag alone: the consumer's start leaves it as it is, and its pulls read it each time.
            consumer.getDefaultMQPushConsumerImpl().setPause(true);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COPY_WAIT_MILLIS);
            // No copy begins once the flag is set (beginCopy reads it under this monitor): wait for those under way.
            while (copying > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("{}: paused, but {} copy(ies) under way have not ended after {} s (a slow target): they may"
                        + " still reach it; nothing else will until resumed", linkName, copying, COPY_WAIT_MILLIS / 1000);
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopping: paused all the same
                    return true;
                }
            }
        }
        LOG.info("{}: paused: reads nothing more from '{}' until resumed; the copies under way were sent and"
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

    /** {@code copier}, handed nothing while the link is paused: its messages wait, in order, for the resume. */
    MessageListenerOrderly holding(MessageListenerOrderly copier) {
        return (messages, context) -> {
            if (!beginCopy()) {
                context.setSuspendCurrentQueueTimeMillis(HOLD_MILLIS);
                return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
            try {
                return copier.consumeMessage(messages, context);
            } finally {
                endCopy();
            }
        };
    }

    /**
     * Marks a copy as under way, so that a pause waits for it; false, marking nothing, while the link is paused:
     * then the caller must not copy. Every true is followed by one {@link #endCopy}.
     */
    synchronized boolean beginCopy() {
        if (pausedAtMillis != 0) {
            return false;
        }
        copying++;
        return true;
    }

    /** The copy {@link #beginCopy} marked has ended. */
    synchronized void endCopy() {
        if (--copying == 0) {
            notifyAll();
        }
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
