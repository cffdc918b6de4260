package dev.ferry.copy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Which target queue each source queue of one topic is copied to: decided once, then kept while the queue copies.
 * Pure; {@link TargetTopics} feeds it what the NameServers route.
 *
 * <p>The rule. A topic's queues are numbered across its brokers by (broker name, queue id), on both sides;
 * source queue number {@code i} goes to target queue number {@code i mod n}, {@code n} the target's queue count:
 *
 * <pre>
 *   source  broker-a q0 q1 | broker-b q0 q1        target  broker-a q0 | broker-b q0
 *   number        0  1     |       2  3            number        0     |       1
 *   copies to     0  1     |       0  1     (i mod 2)
 * </pre>
 *
 * <p>Why it is decided once. A broker that goes down leaves the NameServer's route, and a new broker may sort
 * before the others: numbering the queues the route holds at each moment would move other queues' copies to
 * other target queues, breaking their order and their offset syncs. So:
 * <ul>
 *   <li>The numbering counts every queue ever routed on each side (a broker that is down keeps its numbers).</li>
 *   <li>A source queue keeps its target queue once chosen ({@link #pin}, also from the offset syncs a restarted
 *       process reads back), while that queue is routed writable, or not routed at all (its broker is down:
 *       the copies wait for it, the other queues go on).</li>
 *   <li>Only a target queue routed without write permission (a broker being drained, read-only) is left: the
 *       source queue gets a new target among the writable ones, and the change is reported once.</li>
 *   <li>New queues (a topic grown, a broker added) are numbered as they come; queues already mapped stay.</li>
 * </ul>
 * Per source queue, order holds across all of it: one source queue has one target queue at a time.
 *
 * <p>Not thread-safe; callers synchronise.
 */
final class QueueMapping {

    /** A target queue chosen for a source queue; {@code change} says why it differs from before, if it does. */
    record Choice(MessageQueue target, Optional<String> change) {
    }

    private final TreeSet<MessageQueue> sources = new TreeSet<>();
    private final TreeSet<MessageQueue> targets = new TreeSet<>();
    private final Set<MessageQueue> routedTargets = new TreeSet<>();
    private final Set<MessageQueue> writableTargets = new TreeSet<>();
    private final Map<MessageQueue, MessageQueue> pins = new HashMap<>();

    /** Learns the source queues routed now; returns those not known before (queues are never forgotten). */
    List<MessageQueue> learnSources(Collection<MessageQueue> routed) {
        List<MessageQueue> added = new ArrayList<>();
        for (MessageQueue queue : routed) {
            if (sources.add(queue)) {
                added.add(queue);
            }
        }
        return added;
    }

    /**
     * Learns the target queues routed now and which of them take writes; returns those not known before. A
     * queue no longer routed stays known (its broker may be down) but counts as neither routed nor writable.
     */
    List<MessageQueue> learnTargets(Collection<MessageQueue> routed, Collection<MessageQueue> writable) {
        List<MessageQueue> added = new ArrayList<>();
        for (MessageQueue queue : routed) {
            if (targets.add(queue)) {
                added.add(queue);
            }
        }
        routedTargets.clear();
        routedTargets.addAll(routed);
        writableTargets.clear();
        writableTargets.addAll(writable);
        return added;
    }

    boolean knowsSource(MessageQueue source) {
        return sources.contains(source);
    }

    boolean knowsTargets() {
        return !targets.isEmpty();
    }

    /** Keeps {@code target} for {@code source} from now on (what the offset syncs say it was copied to). */
    void pin(MessageQueue source, MessageQueue target) {
        pins.put(source, target);
        targets.add(target);
    }

    /**
     * The target queue for {@code source}: its pin while usable, else the rule over every queue known.
     *
     * @throws IllegalStateException when {@code source} or every target queue is unknown: learn them first
     */
    Choice targetFor(MessageQueue source) {
        MessageQueue pinned = pins.get(source);
        if (pinned != null && usable(pinned)) {
            return new Choice(pinned, Optional.empty());
        }
        if (!sources.contains(source) || targets.isEmpty()) {
            throw new IllegalStateException("no route known for " + source + (targets.isEmpty()
                ? ": the target topic has no queues" : ""));
        }
        int number = sources.headSet(source).size();
        List<MessageQueue> numbered = new ArrayList<>(targets);
        MessageQueue chosen = numbered.get(number % numbered.size());
        if (!usable(chosen)) {
            List<MessageQueue> writable = new ArrayList<>(writableTargets);
            if (writable.isEmpty()) {
                // Nothing takes writes now: keep to the rule and let the sender wait for the target.
                writable = numbered;
            }
            chosen = writable.get(number % writable.size());
        }
        pins.put(source, chosen);
        Optional<String> change = pinned == null ? Optional.empty() : Optional.of(source.getTopic() + ": source "
            + brief(source) + " now copies to target " + brief(chosen) + ", as target " + brief(pinned)
            + " no longer takes writes (read-only)");
        return new Choice(chosen, change);
    }

    /** {@code broker-a/0}: a queue as an operator reads it in a log line. */
    static String brief(MessageQueue queue) {
        return queue.getBrokerName() + "/" + queue.getQueueId();
    }

    /** Writable, or not routed at all (its broker is down and keeps its number); not a read-only queue. */
    private boolean usable(MessageQueue target) {
        return writableTargets.contains(target) || !routedTargets.contains(target);
    }
}
