package dev.ferry.copy;

import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.CopySettings;
import dev.ferry.names.FerryNames;
import dev.ferry.watermark.Watermarks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what RocketMQ hands it of one source queue to that queue's target queue, in order.
 *
 * <p>It runs as the link's orderly listener: RocketMQ's push consumer pulls ahead into memory, locks each
 * queue on the source broker so only one Ferry process copies it, and calls this with the next messages of
 * one queue. Returning {@code SUCCESS} commits the source offset past them, so it returns only once the
 * target acknowledged every message (or a refused one was dead-lettered):
 *
 * <pre>
 *   source queue:  ... | m5 m6 m7 m8 | m9 ...        committed offset --&gt; m5
 *   this call:           stamp, batch, send, ack     then SUCCESS  --&gt; committed m9
 * </pre>
 *
 * <p>Within a call, every batch the target acknowledged moves the queue's offset forward at once, so that a
 * call cut short keeps what it did. Anything that cannot be finished now (the target did not take a batch, a
 * refused message blocks the queue, the link is stopping, the queue moved to another process) returns
 * {@code SUSPEND_CURRENT_QUEUE_A_MOMENT} with when to try again: the thread goes back to the pool, so a dead
 * broker cannot starve the queues of the brokers that work, and RocketMQ hands the same messages again, in
 * order. What an earlier call already got acknowledged lies below the queue's offset and is not sent twice:
 *
 * <pre>
 *   call 1:  m5 m6 | m7 m8      batch m5 m6 acknowledged (offset --&gt; m7), batch m7 m8 not taken: suspend
 *   call 2:  m5 m6 m7 m8        m5 m6 below the offset: skipped; m7 m8 sent; SUCCESS
 * </pre>
 *
 * <p>What is left uncommitted is copied by whoever owns the queue next — at least once, never lost.
 *
 * <p>Its collaborators come through small interfaces (a test gives fakes, {@code QueueCopierTest}): the
 * {@link CopyTarget} it sends to, the {@link DeadLetterTopic} for what the target refuses for good, the
 * {@link SourceQueues} whose offsets and locks say what is copied and who may copy it, and the
 * {@link OffsetSyncWriter} that records where each copy landed.
 */
final class QueueCopier implements MessageListenerOrderly {

    private static final Logger LOG = LoggerFactory.getLogger(QueueCopier.class);
    /** What {@link #copy} returns when every message is done; anything else is a delay before trying again. */
    static final long DONE = -1;
    /** How soon a queue tries again that this process may no longer own, or while the link stops. */
    static final long NOT_NOW_MILLIS = 1_000;
    /** One per copy thread, kept from call to call: its scratch buffer is not made again for every batch. */
    private static final ThreadLocal<Batches.Encoder> ENCODERS = ThreadLocal.withInitial(Batches.Encoder::new);

    private final String name;
    private final OriginStamp stamp;
    private final CopyTarget target;
    private final DeadLetterTopic deadLetters;
    private final SourceQueues queues;
    private final OffsetSyncWriter syncs;
    private final LinkStats stats;
    private final CopySettings settings;
    private final OnError onError;
    private final StopGate gate;
    private final Watermarks watermarks;
    /** Queues whose watermark the target could not tell: they retry, and say so until it can. */
    private final Set<MessageQueue> unknownHoldings = ConcurrentHashMap.newKeySet();

    /**
     * @param name       the link's name, for log lines
     * @param gate       closed when the link stops: no call copies anything after that
     * @param watermarks what of each queue the target holds already, skipped ({@link Watermarks#OFF}: at least once)
     */
    QueueCopier(String name, OriginStamp stamp, CopyTarget target, DeadLetterTopic deadLetters, SourceQueues queues,
                OffsetSyncWriter syncs, LinkStats stats, CopySettings settings, OnError onError, StopGate gate,
                Watermarks watermarks) {
        this.name = name;
        this.stamp = stamp;
        this.target = target;
        this.deadLetters = deadLetters;
        this.queues = queues;
        this.syncs = syncs;
        this.stats = stats;
        this.settings = settings;
        this.onError = onError;
        this.gate = gate;
        this.watermarks = watermarks;
    }

    @Override
    public ConsumeOrderlyStatus consumeMessage(List<MessageExt> messages, ConsumeOrderlyContext context) {
        MessageQueue source = context.getMessageQueue();
        if (!gate.enter()) {
            context.setSuspendCurrentQueueTimeMillis(NOT_NOW_MILLIS);
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        try {
            if (!owns(source)) {
                // Neither to copy nor to commit: SUCCESS has the client set the queue's offset to the end of these
                // messages, even below what was copied meanwhile (from the slave while the master was down).
                context.setSuspendCurrentQueueTimeMillis(NOT_NOW_MILLIS);
                return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
            long retryIn = copy(source, messages, () -> owns(source));
            if (retryIn == DONE) {
                return ConsumeOrderlyStatus.SUCCESS;
            }
            // RocketMQ takes anything below 10 ms as "use the default" (1 s); a short backoff stays short.
            context.setSuspendCurrentQueueTimeMillis(Math.max(10, retryIn));
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        } finally {
            gate.exit();
        }
    }

    /** This process may send the queue: it holds its lock, and the link is not stopping. */
    private boolean owns(MessageQueue source) {
        return gate.isOpen() && queues.owns(source);
    }

    /**
     * Copies the messages, in order, each batch only while {@code mayCopy} holds (this process owns the queue).
     *
     * @return {@link #DONE} when every message was copied, skipped or dead-lettered, else when to try again
     */
    long copy(MessageQueue source, List<MessageExt> messages, BooleanSupplier mayCopy) {
        boolean heartbeats = isHeartbeat(source);
        if (!heartbeats) {
            stats.delivered(source, messages);
        }
        long acknowledged = queues.nextOffset(source);
        long stored;
        try {
            // Heartbeats are not worth a read of the target: one copied twice is harmless.
            stored = heartbeats ? Watermarks.NONE : watermarks.upTo(source);
        } catch (Watermarks.Unknown unknown) {
            return targetUnknown(source, unknown);
        }
        if (unknownHoldings.remove(source)) {
            stats.stopRetrying(source);
            stats.unblock(source);
            LOG.info("{}: {}: the target tells what it holds of the queue again; copying goes on", name, source);
        }
        String targetTopic = target.topicFor(source.getTopic());
        List<CopyBatch.Copy> copies = new ArrayList<>(messages.size());
        Batches.Encoder encoder = ENCODERS.get();
        long skipped = 0;
        for (MessageExt message : messages) {
            if (message.getQueueOffset() < acknowledged) {
                continue; // on the target already: an earlier call sent it and was then suspended
            }
            if (message.getQueueOffset() <= stored) {
                skipped++; // on the target already: copied before a crash, or by the queue's previous owner
                continue;
            }
            OriginStamp.Stamped stamped = stamp.copy(message, targetTopic, target.cluster(), encoder);
            Optional<Batches.Entry> copy = stamped.entry();
            if (copy.isPresent()) {
                copies.add(new CopyBatch.Copy(message, copy.get(), stamped.forged()));
            } else if (!heartbeats) {
                stats.skippedLoop();
            }
        }
        if (skipped > 0) {
            skippedCopied(source, skipped, stored, messages);
        }
        for (CopyBatch batch : CopyBatch.split(copies, settings.batchMessages(), target.maxBatchBytes())) {
            long retryIn = send(source, batch, mayCopy);
            if (retryIn != DONE) {
                return retryIn;
            }
        }
        target.settled(source);
        return DONE;
    }

    private long send(MessageQueue source, CopyBatch batch, BooleanSupplier mayCopy) {
        if (!mayCopy.getAsBoolean()) {
            return NOT_NOW_MILLIS; // a process that lost the queue (or its lock) sends nothing more for it
        }
        try {
            SendResult result = target.send(batch.join(), batch.size(), source);
            if (stats.unblock(source)) {
                LOG.info("{}: {}: target took the blocking message; copying goes on", name, source);
            }
            acknowledged(source, batch, result);
            return DONE;
        } catch (TargetSender.Unsent unsent) {
            // Maybe stored after all (a timeout, a lost connection): what the target holds decides, not a resend.
            watermarks.unsure(source);
            return unsent.retryInMillis();
        } catch (TargetSender.Refused refused) {
            if (batch.size() == 1) {
                return handleRefused(source, batch.copies().get(0).original(), refused.getMessage());
            }
            // One message of the batch is refused; find it by sending them one by one, in order.
            for (CopyBatch one : batch.singles()) {
                long retryIn = send(source, one, mayCopy);
                if (retryIn != DONE) {
                    return retryIn;
                }
            }
            return DONE;
        }
    }

    /**
     * Messages up to {@code stored} that the target holds already: not sent again, and the queue's offset moves past
     * them (so that they are not read again either).
     */
    private void skippedCopied(MessageQueue source, long skipped, long stored, List<MessageExt> messages) {
        stats.skippedCopied(skipped);
        long last = Math.min(stored, messages.get(messages.size() - 1).getQueueOffset());
        queues.advance(source, last + 1);
        LOG.info("{}: {}: the target holds copies up to offset {} already (stored before a crash or a timeout, or by"
            + " the queue's previous owner): {} message(s) not copied twice", name, source, stored, skipped);
    }

    /** The target cannot say now what it holds of the queue: nothing of it is sent until it can. */
    private long targetUnknown(MessageQueue source, Watermarks.Unknown unknown) {
        if (SendFailure.isPermissionDenied(unknown)) {
            // An operator must grant it: blocked, and tried again all the same, so it copies on once granted.
            unknownHoldings.add(source);
            return block(source, "blocked: the target refuses Ferry's user a read of what it holds of the queue"
                + " (exactly-once needs Sub on the target topic, see docs/security.md; or delivery: at-least-once): "
                + unknown.getMessage(), "exactly-once");
        }
        String status = "retrying: " + unknown.getMessage();
        stats.lastError(status);
        stats.retrying(source, status);
        if (unknownHoldings.add(source)) {
            LOG.warn("{}: {}: {}; sending nothing of the queue until it answers", name, source, unknown.getMessage());
        }
        return NOT_NOW_MILLIS;
    }

    /** The target stored the batch in one piece, from the offset it answers: message i at that plus i. */
    private void acknowledged(MessageQueue source, CopyBatch batch, SendResult result) {
        boolean heartbeats = isHeartbeat(source);
        count(batch, heartbeats);
        // Heartbeats need no syncs: no application's progress on them is translated.
        if (!heartbeats) {
            syncs.synced(source, result.getMessageQueue(), batch.sourceOffsets(), result.getQueueOffset());
        }
        queues.advance(source, batch.nextOffset());
    }

    /** A message the target refuses for good: dead-lettered, or the queue blocks on it ({@code onError}). */
    private long handleRefused(MessageQueue source, MessageExt refused, String reason) {
        if (onError == OnError.DEAD_LETTER) {
            return deadLetter(source, refused, reason);
        }
        return block(source, "blocked at offset " + refused.getQueueOffset() + " (message " + refused.getMsgId()
            + "): target refuses it: " + reason, "onError: block");
    }

    /** Says once that the queue is blocked, and why; it tries again every blockedRetry. */
    private long block(MessageQueue source, String status, String what) {
        stats.lastError(status);
        if (!status.equals(stats.block(source, status))) {
            LOG.error("{}: {}: {}; copying of this queue stops until that changes ({}); trying again every {} ms",
                name, source, status, what, settings.blockedRetry().toMillis());
        }
        return settings.blockedRetry().toMillis();
    }

    private long deadLetter(MessageQueue source, MessageExt original, String reason) {
        try {
            deadLetters.write(original, reason);
        } catch (Exception e) {
            String why = SendFailure.describe(e);
            if (SendFailure.isPermanent(e) || SendFailure.isPermissionDenied(e)) {
                // Neither copied nor dead-lettered: never dropped, never silent. Refused for good, or for a right
                // Ferry's user lacks on the source: an operator must act, as for the target's rights.
                return block(source, "blocked at offset " + original.getQueueOffset() + " (message "
                    + original.getMsgId() + "): target refuses it (" + reason + ") and so does the dead-letter topic "
                    + deadLetters.describe() + " (" + why + ")", "dead-letter");
            }
            String status = "retrying: dead-letter write failed: " + why;
            stats.lastError(status);
            if (stats.retrying(source, status) == null) {
                LOG.warn("{}: {}: could not dead-letter message {}: {}; retrying", name, source,
                    original.getMsgId(), why);
            }
            return settings.retryMaxDelay().toMillis();
        }
        stats.clear(source);
        stats.deadLettered();
        queues.advance(source, original.getQueueOffset() + 1);
        LOG.warn("{}: {}: message {} at offset {} refused by the target ({}); dead-lettered to {}", name, source,
            original.getMsgId(), original.getQueueOffset(), reason, deadLetters.describe());
        return DONE;
    }

    private static boolean isHeartbeat(MessageQueue source) {
        return FerryNames.HEARTBEAT_TOPIC.equals(source.getTopic());
    }

    /** Counts what the target acknowledged just now, and records how long each copy took from its origin. */
    private void count(CopyBatch batch, boolean heartbeats) {
        long now = System.currentTimeMillis();
        if (heartbeats) {
            batch.copies().forEach(c -> stats.heartbeatCopied(c.original().getStoreTimestamp(), now));
            return;
        }
        stats.copied(batch.size(), batch.bodyBytes());
        List<CopyBatch.Copy> forged = batch.forged();
        if (!forged.isEmpty()) {
            forgedStampsCopied(forged);
        }
        if (stats.recordsDelays()) {
            batch.copies().forEach(c -> stats.recordDelay(now - c.originTimeMillis()));
        }
    }

    /**
     * Counts copies whose source carried a stamp without a valid signature; the link's first says so in the log,
     * with what can cause it (the metric counts the rest).
     */
    private void forgedStampsCopied(List<CopyBatch.Copy> forged) {
        if (stats.forgedStamps() == 0) {
            MessageExt first = forged.get(0).original();
            LOG.warn("{}: message {} at offset {} of {} carries FERRY_* properties without a valid signature: copied"
                + " as a local message and counted in ferry_forged_stamps_total. A producer sets FERRY_*"
                + " properties, a Ferry without the signing key copied it, or a Ferry of this deployment has another"
                + " signingKey (compare the key id each logs at start)", name, first.getMsgId(), first.getQueueOffset(),
                first.getTopic());
        }
        stats.forgedStampsCopied(forged.size());
    }
}
