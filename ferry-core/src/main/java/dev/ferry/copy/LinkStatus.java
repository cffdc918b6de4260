package dev.ferry.copy;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one link for status output, the HTTP API, metrics and tests.
 *
 * @param state       where the link stands; {@code reason} says why when it is not running normally
 * @param backlog     messages on the source not yet copied (-1 when the source could not be asked)
 * @param loopCheck   where copies that would loop are dropped: {@code broker} (SQL-92 subscription, never pulled)
 *                    or {@code ferry} (pulled, then dropped; always with a signing key, as only Ferry can verify
 *                    a signature); null before the link started
 * @param received    messages the source delivered to Ferry, redeliveries included
 * @param skippedLoop messages Ferry pulled and dropped because the target is on their path
 * @param skippedAtSource messages the source broker's filter passed over (loop check and the backup's filter)
 * @param delayMillis how far the target is behind, in milliseconds: while the link keeps up (no queue holds more
 *                    unread messages than one pull takes, heartbeats come through), how long the newest heartbeat
 *                    took from the source to the target; while a backlog waits beyond that, how long ago the last
 *                    copied message was stored on the source (see {@link LinkDelay}); 0 before anything was
 *                    copied; -1 when the source could not be asked
 * @param sourceReachable whether the source answered when this snapshot was taken
 * @param heldOnReturn what the source held, not yet copied, when the link last reached it after not reaching
 *                    it: at start, or when a failed region came back (-1 before the link reached it). Through
 *                    a broker-side filter (loop check, backup filter) it includes messages the link passes over
 * @param targetReachable whether the target's NameServer and brokers answered the link's last probe
 * @param heartbeats  the link's heartbeats this process copied (not counted in {@code copied})
 * @param heartbeatDelayMillis the newest copied heartbeat's delay, source store time to the target's
 *                    acknowledgement; -1 before the first
 * @param heartbeatAgeMillis how long ago that heartbeat's copy was acknowledged; -1 before the first (also in a
 *                    process that does not hold the link's heartbeat queue)
 * @param inFlightBytes message bytes pulled from the source and not yet acknowledged by the target
 * @param unconfirmedSends sends the target stored without confirming them safe (flush or slave timeout, no
 *                    slave available); see {@code TargetSender}
 * @param readFromSlaves the source brokers whose master is down and whose queues this process reads from their
 *                    slave now (RocketMQ's slave reads, {@code slaveReadEnable=true}); empty normally
 * @param forgedStamps messages copied whose {@code FERRY_*} stamp had no valid signature (with a signing key):
 *                    copied as local messages of the source; always 0 without a key
 * @param skippedCopied messages not copied because the target held their copies already (exactly-once: written
 *                    before a crash or a timeout, or by the queue's previous owner)
 * @param watermarksUndecided how often the link could not tell within its budget what the target held of a queue
 *                    it took, and copied that queue at least once
 * @param pendingTimers timer messages the source holds for the link's topics and has not delivered yet: copied
 *                    once due, in the source region only until then (-1 when the source does not say)
 * @param pendingTimersDue when the first of {@code pendingTimers} is due (epoch millis; in the past when the
 *                    source's brokers are late delivering it), -1 when none waits or it is not known (the source
 *                    refuses a read of its timer topic, has no timer wheel, or Ferry has not read it through yet)
 * @param pendingDelayed delay-level messages ({@code setDelayTimeLevel}) the source cluster holds and has not
 *                    delivered yet, for all its topics: RocketMQ keeps them per level, not per topic (-1 when the
 *                    source does not say)
 * @param pendingDelayedDue when the first of {@code pendingDelayed} is due (epoch millis; in the past when the
 *                    source's brokers are late delivering it), -1 when none waits or the source does not say
 * @param readAhead   the queues this process reads ahead now ({@code topic/broker/queueId}), each with the pulls it
 *                    keeps out while it streams (as many as a round trip needs at the pace it is copied); empty
 *                    while no queue has a backlog
 * @param warnings    what an operator should align by hand, one line each: a target topic that exists with another
 *                    type or fewer queues than its source (Ferry leaves a topic it did not create as it is)
 * @param held        the source queues this process copies for the link, and who this process is: with several
 *                    processes on one file each holds a share (see {@link HeldQueues})
 */
public record LinkStatus(String backup, String source, String target, String group, LinkState state, String reason,
                         String loopCheck, long received, long copied, long copiedBytes, long skippedLoop,
                         long skippedAtSource, long deadLettered, long retries,
                         long backlog, long delayMillis, String lastError, boolean sourceReachable,
                         long heldOnReturn, boolean targetReachable, long heartbeats, long heartbeatDelayMillis,
                         long heartbeatAgeMillis, long inFlightBytes, long unconfirmedSends,
                         List<String> readFromSlaves, long forgedStamps, long skippedCopied,
                         long watermarksUndecided, long pendingTimers, long pendingTimersDue, long pendingDelayed, long pendingDelayedDue,
                         Map<String, Integer> readAhead, List<String> warnings,
                         HeldQueues held) {

    /** As it should be: running, catching up on a backlog, or paused on an operator's request. */
    public boolean healthy() {
        return state == LinkState.RUNNING || state == LinkState.CATCHING_UP || state == LinkState.PAUSED;
    }
}
