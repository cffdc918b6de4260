package dev.ferry.copy;

import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What one link has done since it started: counters, the source queues it cannot copy now (and why), and its
 * last trouble. Written by the copier threads and the probes, read by status and metrics.
 *
 * <p>A queue in trouble is either <em>retrying</em> (time may fix it: the target did not take a batch) or
 * <em>blocked</em> (an operator must act: a message the target refuses, a right revoked). The link's state is
 * decided from both ({@link LinkStateDecider}).
 */
final class LinkStats {

    private final LongAdder copied = new LongAdder();
    private final LongAdder copiedBytes = new LongAdder();
    /** Messages RocketMQ handed to the copier, redeliveries included. */
    private final LongAdder received = new LongAdder();
    /** Messages Ferry itself dropped because the target is on their path (the broker could not filter them). */
    private final LongAdder skippedLoop = new LongAdder();
    /** Messages not copied because the target held their copies already (exactly-once). */
    private final LongAdder skippedCopied = new LongAdder();
    /**
     * Messages the source broker's SQL-92 subscription passed over (loop check and the backup's filter), seen
     * as gaps between the offsets of consecutive deliveries of a queue. Messages filtered after a queue's
     * last delivery are counted when the next one arrives.
     */
    private final LongAdder skippedAtSource = new LongAdder();
    /** Per source queue: the offset after the last message delivered, for {@link #skippedAtSource}. */
    private final Map<MessageQueue, Long> nextDelivered = new ConcurrentHashMap<>();
    /**
     * Messages copied whose {@code FERRY_*} stamp had no valid signature (with a signing key): taken as local
     * messages of the source. Counted when the target acknowledged the copy.
     */
    private final LongAdder forgedStamps = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder retries = new LongAdder();
    /** Sends the target stored without confirming them safe: flush or slave timeout, or no slave available. */
    private final LongAdder unconfirmed = new LongAdder();
    private final Map<MessageQueue, String> retrying = new ConcurrentHashMap<>();
    private final Map<MessageQueue, String> blocked = new ConcurrentHashMap<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    /** The link's own heartbeats the target acknowledged (not counted in {@link #copied}). */
    private final LongAdder heartbeats = new LongAdder();
    /** When the target last acknowledged a heartbeat, epoch millis (this process's clock); 0 before. */
    private volatile long lastHeartbeatCopiedMillis;
    /** That heartbeat's delay: its source store time to the target's acknowledgement; -1 before. */
    private volatile long lastHeartbeatDelayMillis = -1;
    /**
     * Where the delay of each copied message (origin store time to the target's acknowledgement) is recorded,
     * once metrics are bound; null until then.
     */
    private volatile Timer copyDelay;

    // --- what the copier reports ---

    /**
     * RocketMQ handed the copier these messages of {@code source}, in order. A jump forward from the offset after
     * the previous delivery is the broker's filter at work; behind it is a redelivery (suspended, or the queue
     * came back from another process).
     */
    void delivered(MessageQueue source, List<MessageExt> messages) {
        if (messages.isEmpty()) {
            return;
        }
        received.add(messages.size());
        Long known = nextDelivered.get(source);
        long expected = known == null ? messages.get(0).getQueueOffset() : known;
        long skipped = 0;
        for (MessageExt message : messages) {
            long offset = message.getQueueOffset();
            if (offset > expected) {
                skipped += offset - expected;
            }
            expected = Math.max(expected, offset + 1);
        }
        nextDelivered.put(source, expected);
        skippedAtSource.add(skipped);
    }

    /** Whether anything of {@code source} was delivered in this process yet. */
    boolean hasDelivered(MessageQueue source) {
        return nextDelivered.containsKey(source);
    }

    /** The target acknowledged {@code messages} copies of {@code bytes} body bytes. */
    void copied(int messages, long bytes) {
        copied.add(messages);
        copiedBytes.add(bytes);
    }

    void skippedLoop() {
        skippedLoop.increment();
    }

    /** {@code count} messages not sent: the target holds their copies already (the queue's watermark). */
    void skippedCopied(long count) {
        skippedCopied.add(count);
    }

    void forgedStampsCopied(long count) {
        forgedStamps.add(count);
    }

    void deadLettered() {
        deadLettered.increment();
    }

    /** A send the target did not take, to be tried again: counted, and the link's last error. */
    void retried(String reason) {
        retries.increment();
        lastError.set(reason);
    }

    void unconfirmed() {
        unconfirmed.increment();
    }

    void heartbeatCopied(long sourceStoreMillis, long ackMillis) {
        heartbeats.increment();
        lastHeartbeatDelayMillis = Math.max(0, ackMillis - sourceStoreMillis);
        lastHeartbeatCopiedMillis = ackMillis;
        recordDelay(ackMillis - sourceStoreMillis);
    }

    /** Records each copy's delay from now on into {@code timer} (a histogram of the metrics). */
    void recordDelaysIn(Timer timer) {
        copyDelay = timer;
    }

    /** Whether copy delays are recorded: with no timer bound the copier need not work them out. */
    boolean recordsDelays() {
        return copyDelay != null;
    }

    void recordDelay(long millis) {
        Timer timer = copyDelay;
        if (timer != null) {
            timer.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        }
    }

    // --- queues in trouble ---

    /** The queue retries, for {@code why}; returns the reason it had before (null: it was not retrying). */
    String retrying(MessageQueue source, String why) {
        return retrying.put(source, why);
    }

    /** The queue is blocked, for {@code why}; returns the reason it had before (null: it was not blocked). */
    String block(MessageQueue source, String why) {
        return blocked.put(source, why);
    }

    /** The queue no longer retries. */
    void stopRetrying(MessageQueue source) {
        retrying.remove(source);
    }

    /** The queue is no longer blocked; true when it was. */
    boolean unblock(MessageQueue source) {
        return blocked.remove(source) != null;
    }

    /** The queue neither retries nor is blocked. */
    void clear(MessageQueue source) {
        retrying.remove(source);
        blocked.remove(source);
    }

    /**
     * Trouble of queues that moved to another process (or were never copied here again) is no longer this
     * link's to report: the state says what is true now.
     */
    void retainQueues(Set<MessageQueue> owned) {
        retrying.keySet().retainAll(owned);
        blocked.keySet().retainAll(owned);
    }

    boolean isRetrying(MessageQueue source) {
        return retrying.containsKey(source);
    }

    Optional<String> blockedReason(MessageQueue source) {
        return Optional.ofNullable(blocked.get(source));
    }

    /** Why some queue is blocked; empty when none is. */
    Optional<String> anyBlock() {
        return blocked.values().stream().findFirst();
    }

    /** Why each retrying queue retries (the same reason may appear more than once). */
    Collection<String> retryReasons() {
        return List.copyOf(retrying.values());
    }

    void lastError(String error) {
        lastError.set(error);
    }

    // --- what status and metrics read ---

    long copied() {
        return copied.sum();
    }

    long copiedBytes() {
        return copiedBytes.sum();
    }

    long received() {
        return received.sum();
    }

    long skippedLoopCount() {
        return skippedLoop.sum();
    }

    long skippedCopiedCount() {
        return skippedCopied.sum();
    }

    long skippedAtSource() {
        return skippedAtSource.sum();
    }

    long forgedStamps() {
        return forgedStamps.sum();
    }

    long deadLetteredCount() {
        return deadLettered.sum();
    }

    long retries() {
        return retries.sum();
    }

    long unconfirmedCount() {
        return unconfirmed.sum();
    }

    String lastError() {
        return lastError.get();
    }

    long heartbeats() {
        return heartbeats.sum();
    }

    long lastHeartbeatCopiedMillis() {
        return lastHeartbeatCopiedMillis;
    }

    long lastHeartbeatDelayMillis() {
        return lastHeartbeatDelayMillis;
    }
}
