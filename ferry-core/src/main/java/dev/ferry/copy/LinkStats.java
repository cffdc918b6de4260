package dev.ferry.copy;

import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What one link has done since it started: counters, the queues it cannot copy, and its last trouble.
 * Written by the copier threads, read by status and metrics.
 */
final class LinkStats {

    final LongAdder copied = new LongAdder();
    final LongAdder copiedBytes = new LongAdder();
    /** Messages RocketMQ handed to the copier, redeliveries included. */
    final LongAdder received = new LongAdder();
    /** Messages Ferry itself dropped because the target is on their path (the broker could not filter them). */
    final LongAdder skippedLoop = new LongAdder();
    /**
     * Messages the source broker's SQL-92 subscription passed over (loop check and the backup's filter), seen
     * as gaps between the offsets of consecutive deliveries of a queue. Messages filtered after a queue's
     * last delivery are counted when the next one arrives.
     */
    final LongAdder skippedAtSource = new LongAdder();
    /** Per source queue: the offset after the last message delivered, for {@link #skippedAtSource}. */
    final Map<MessageQueue, Long> nextDelivered = new ConcurrentHashMap<>();
    /**
     * Messages copied whose {@code FERRY_*} stamp had no valid signature (with a signing key): taken as local
     * messages of the source. Counted when the target acknowledged the copy.
     */
    final LongAdder forgedStamps = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder retries = new LongAdder();
    /** Sends the target stored without confirming them safe: flush or slave timeout, or no slave available. */
    final LongAdder unconfirmed = new LongAdder();
    /** Source queues that cannot be copied now, with why: blocked by a refused message, or retrying. */
    final Map<MessageQueue, String> troubled = new ConcurrentHashMap<>();
    final Map<MessageQueue, String> blocked = new ConcurrentHashMap<>();
    final AtomicReference<String> lastError = new AtomicReference<>();
    /** Per source queue: source store time of the last message the target acknowledged. */
    final Map<MessageQueue, Long> lastCopiedStoreTime = new ConcurrentHashMap<>();

    /** The link's own heartbeats the target acknowledged (not counted in {@link #copied}). */
    final LongAdder heartbeats = new LongAdder();
    /** When the target last acknowledged a heartbeat, epoch millis (this process's clock); 0 before. */
    volatile long lastHeartbeatCopiedMillis;
    /** That heartbeat's delay: its source store time to the target's acknowledgement; -1 before. */
    volatile long lastHeartbeatDelayMillis = -1;
    /**
     * Where the delay of each copied message (origin store time to the target's acknowledgement) is recorded,
     * once metrics are bound; null until then.
     */
    volatile Timer copyDelay;

    void heartbeatCopied(long sourceStoreMillis, long ackMillis) {
        heartbeats.increment();
        lastHeartbeatDelayMillis = Math.max(0, ackMillis - sourceStoreMillis);
        lastHeartbeatCopiedMillis = ackMillis;
        recordDelay(ackMillis - sourceStoreMillis);
    }

    void recordDelay(long millis) {
        Timer timer = copyDelay;
        if (timer != null) {
            timer.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        }
    }
}
