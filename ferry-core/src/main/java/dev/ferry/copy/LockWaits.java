package dev.ferry.copy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The queues RocketMQ's allocation gives this process that it may not copy, and why: their lock on the source broker
 * not granted (another process holds it, or held it and stopped without releasing it: the broker frees it when it
 * expires), or their broker's master down. It also has the consumer rebalance where the client would wait for its
 * next round (every 20 s):
 *
 * <pre>
 *   allocated here, not in the consumer's table, seen the first time   rebalance now: the client learnt of the
 *                                                                      queue from a route update (a topic grown,
 *                                                                      a broker added), which does not rebalance
 *   in the table, allocated elsewhere (at most every 2 s)              rebalance now: a topic shrunk, a broker
 *                                                                      gone, or a release its copier held up;
 *                                                                      another process waits for the lock
 *   allocated here, not owned for {@value #LOCK_GRACE_MILLIS} ms        waits for its lock, or for its master
 * </pre>
 *
 * A queue held here of a broker whose master is down is {@link SlaveReads}'s to read from the slave, or to say why
 * not: it is left out. One of such a broker that is not held here cannot be locked until the master returns, nor
 * read from the slave: it waits for the master.
 */
final class LockWaits {

    /** How long a queue given to this process may go without its lock before the link says it waits for it. */
    static final long LOCK_GRACE_MILLIS = 5_000;
    /** How often at most a queue held here but allocated elsewhere has the consumer rebalance to let it go. */
    static final long RELEASE_NUDGE_MILLIS = 2_000;

    /** What this reads of a link's consumer ({@link ProcessQueues}; a fake in {@code LockWaitsTest}). */
    interface Consumer {
        /** The queues allocated to this process; {@code topics} gets those whose allocation it worked out. */
        Set<MessageQueue> allocatedHere(Set<String> topics) throws Exception;

        /** The queues in the consumer's table, dropped or not. */
        Set<MessageQueue> listed();

        /** This process may copy the queue: it holds its valid lock. */
        boolean owns(MessageQueue queue);

        /** The broker has no master online, only a slave. */
        boolean masterless(String brokerName);

        /** Has the consumer rebalance now. */
        void rebalanceNow();
    }

    private final Consumer consumer;
    /** Allocated queues this process may not copy, and since when. */
    private final Map<MessageQueue, Long> unlockedSince = new ConcurrentHashMap<>();
    private volatile long releaseNudgedMillis = Long.MIN_VALUE / 2;

    LockWaits(Consumer consumer) {
        this.consumer = consumer;
    }

    /** Why queues allocated here wait, in one line; empty when none does, or the source cannot be asked. */
    Optional<String> check(long nowMillis) {
        Set<String> topics = new HashSet<>();
        Set<MessageQueue> allocated;
        try {
            allocated = consumer.allocatedHere(topics);
        } catch (Exception cannotTell) {
            return Optional.empty();
        }
        Set<MessageQueue> listed = consumer.listed();
        boolean rebalance = nowMillis - releaseNudgedMillis >= RELEASE_NUDGE_MILLIS && listed.stream()
            .anyMatch(held -> topics.contains(held.getTopic()) && !allocated.contains(held));
        if (rebalance) {
            releaseNudgedMillis = nowMillis;
        }
        unlockedSince.keySet().retainAll(allocated);
        int waiting = 0;
        Map<String, Integer> waitingForMaster = new TreeMap<>();
        for (MessageQueue queue : allocated) {
            boolean held = listed.contains(queue);
            boolean masterDown = consumer.masterless(queue.getBrokerName());
            if (consumer.owns(queue) || held && masterDown) {
                unlockedSince.remove(queue);
                continue;
            }
            Long since = unlockedSince.putIfAbsent(queue, nowMillis);
            if (since == null) {
                rebalance |= !held;
            } else if (nowMillis - since < LOCK_GRACE_MILLIS) {
                continue;
            } else if (masterDown) {
                waitingForMaster.merge(queue.getBrokerName(), 1, Integer::sum);
            } else {
                waiting++;
            }
        }
        if (rebalance) {
            consumer.rebalanceNow();
        }
        List<String> reasons = new ArrayList<>();
        if (waiting > 0) {
            reasons.add(waiting + " queue(s) wait for their lock on the source broker (another process holds it, or"
                + " held it and stopped without releasing it: the broker frees it within"
                + " rocketmq.broker.rebalance.lockMaxLiveTime, 60 s by default)");
        }
        waitingForMaster.forEach((broker, count) -> reasons.add(count + " queue(s) of broker '" + broker
            + "' wait for its master, which is down: only a master grants the lock a copier needs, and they were"
            + " not held here when it went down, so they are not read from its slave"));
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }
}
