package dev.ferry.copy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li>the copier is handed nothing new ({@link #holding}): a call copying when the pause comes finishes (its
 *       batches sent, acknowledged, their offsets committed), and the pause waits for it; the next calls put their
 *       messages back, in order, to be handed again once resumed;</li>
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
    /** Longest a pause waits for the copy under way: a send's timeout and then some. */
    private static final long COPY_WAIT_MILLIS = 30_000;

    private final String linkName;
    private final String source;
    private final String group;
    private final DefaultMQPushConsumer consumer;
    /** Whether the consumer runs now (started, not stopping): only then may it be resumed, which rebalances. */
    private final BooleanSupplier consumerRuns;
    /** When the link was paused, epoch millis; 0 while it is not. */
    private volatile long pausedAtMillis;
    private volatile long resumedAtMillis;
    /** Copier calls under way. */
    private final AtomicInteger copying = new AtomicInteger();

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
        awaitCopies();
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

    /** {@code copier}, handed nothing while the link is paused: its messages wait, in order, for the resume. */
    MessageListenerOrderly holding(MessageListenerOrderly copier) {
        return (messages, context) -> {
            copying.incrementAndGet();
            try {
                if (paused()) {
                    context.setSuspendCurrentQueueTimeMillis(HOLD_MILLIS);
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                }
                return copier.consumeMessage(messages, context);
            } finally {
                copying.decrementAndGet();
            }
        };
    }

    /** Waits until no copy is under way (one that began before the pause), so that the answer means it. */
    private void awaitCopies() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COPY_WAIT_MILLIS);
        while (copying.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10); // polling a counter; a copy takes at most a send's timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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
