package dev.ferry.client.store;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Processed keys and in-progress claims in this process's memory.
 *
 * <p>Invariants, all under one lock: a key is either claimed, or done, or unknown, never two of these;
 * {@code done} holds at most {@code maxEntries} keys, in the order they were marked done, so the eldest entry
 * is both the first to evict and the oldest to expire. One lock rather than a concurrent map because a claim
 * must check both collections atomically, and each operation holds it for a few hash look-ups only.
 */
final class InMemoryProcessedMessages implements ProcessedMessages {

    private final int maxEntries;
    /** Null: keys expire only by eviction. */
    private final Duration retention;
    private final Clock clock;

    private final Set<String> claimed = new HashSet<>();
    /** Key to the epoch millisecond it was marked done, eldest first. */
    private final LinkedHashMap<String, Long> done = new LinkedHashMap<>();

    InMemoryProcessedMessages(int maxEntries, Duration retention, Clock clock) {
        this.maxEntries = maxEntries;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public synchronized Claim claim(String key) {
        Checks.key(key);
        expire();
        if (claimed.contains(key)) {
            return Claim.BUSY;
        }
        if (done.containsKey(key)) {
            return Claim.DONE;
        }
        claimed.add(key);
        return Claim.NEW;
    }

    @Override
    public synchronized void done(String key) {
        Checks.key(key);
        claimed.remove(key);
        // Removed first so that a key marked again moves to the young end.
        done.remove(key);
        done.put(key, clock.millis());
        Iterator<String> eldest = done.keySet().iterator();
        while (done.size() > maxEntries) {
            eldest.next();
            eldest.remove();
        }
        expire();
    }

    @Override
    public synchronized void release(String key) {
        claimed.remove(key);
    }

    /** How many processed keys are remembered now. */
    synchronized int size() {
        expire();
        return done.size();
    }

    private void expire() {
        if (retention == null) {
            return;
        }
        long oldestKept = clock.millis() - retention.toMillis();
        Iterator<Map.Entry<String, Long>> eldest = done.entrySet().iterator();
        while (eldest.hasNext() && eldest.next().getValue() < oldestKept) {
            eldest.remove();
        }
    }

    @Override
    public String toString() {
        return "InMemoryProcessedMessages[maxEntries=" + maxEntries + ", retention=" + retention + "]";
    }
}
