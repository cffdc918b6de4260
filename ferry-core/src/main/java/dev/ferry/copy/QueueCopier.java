package dev.ferry.copy;

import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.CopySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 */
final class QueueCopier implements MessageListenerOrderly {

    private static final Logger LOG = LoggerFactory.getLogger(QueueCopier.class);
    /** What {@link #copy} returns when every message is done; anything else is a delay before trying again. */
    static final long DONE = -1;
    /** How soon a queue tries again that this process may no longer own, or while the link stops. */
    private static final long NOT_NOW_MILLIS = 1_000;

    private final LinkParts link;

    QueueCopier(LinkParts link) {
        this.link = link;
    }

    @Override
    public ConsumeOrderlyStatus consumeMessage(List<MessageExt> messages, ConsumeOrderlyContext context) {
        MessageQueue source = context.getMessageQueue();
        if (!link.enter()) {
            context.setSuspendCurrentQueueTimeMillis(NOT_NOW_MILLIS);
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        try {
            long retryIn = copy(source, messages, () -> link.owns(source));
            if (retryIn == DONE) {
                return ConsumeOrderlyStatus.SUCCESS;
            }
            // RocketMQ takes anything below 10 ms as "use the default" (1 s); a short backoff stays short.
            context.setSuspendCurrentQueueTimeMillis(Math.max(10, retryIn));
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        } finally {
            link.exit();
        }
    }

    /**
     * Copies the messages, in order, each batch only while {@code mayCopy} holds (this process owns the queue).
     *
     * @return {@link #DONE} when every message was copied, skipped or dead-lettered, else when to try again
     */
    long copy(MessageQueue source, List<MessageExt> messages, BooleanSupplier mayCopy) {
        boolean heartbeats = isHeartbeat(source);
        if (!heartbeats) {
            countDelivered(source, messages);
        }
        long acknowledged = link.nextOffset(source);
        String targetTopic = link.topics().targetTopic(source.getTopic());
        List<Pending> copies = new ArrayList<>(messages.size());
        Batches.Encoder encoder = new Batches.Encoder();
        for (MessageExt message : messages) {
            if (message.getQueueOffset() < acknowledged) {
                continue; // on the target already: an earlier call sent it and was then suspended
            }
            OriginStamp.Stamped stamped = link.stamp().copy(message, targetTopic, link.targetCluster());
            Optional<Message> copy = stamped.copy();
            if (copy.isPresent()) {
                copies.add(new Pending(message, encoder.entry(copy.get()), stamped.forged()));
            } else if (!heartbeats) {
                link.stats().skippedLoop.increment();
            }
        }
        TargetSender.QueueResolver target = new TargetSender.QueueResolver() {
            @Override
            public MessageQueue resolve() throws Exception {
                return link.topics().targetFor(source);
            }

            @Override
            public void refresh() {
                link.topics().refresh(source.getTopic());
            }
        };
        for (List<Pending> batch : Batches.split(copies, p -> p.entry.size(), link.settings().batchMessages(),
            link.maxBatchBytes())) {
            long retryIn = sendBatch(source, batch, target, mayCopy);
            if (retryIn != DONE) {
                return retryIn;
            }
        }
        if (!messages.isEmpty()) {
            link.stats().lastCopiedStoreTime.put(source, messages.get(messages.size() - 1).getStoreTimestamp());
        }
        return DONE;
    }

    private long sendBatch(MessageQueue source, List<Pending> batch, TargetSender.QueueResolver target,
                           BooleanSupplier mayCopy) {
        if (!mayCopy.getAsBoolean()) {
            return NOT_NOW_MILLIS; // a process that lost the queue (or its lock) sends nothing more for it
        }
        try {
            SendResult result = link.sender().send(Pending.join(batch), batch.size(), source, target);
            if (link.stats().blocked.remove(source) != null) {
                LOG.info("{}: {}: target took the blocking message; copying goes on", link.name(), source);
            }
            acknowledged(source, batch, result);
            return DONE;
        } catch (TargetSender.Unsent unsent) {
            return unsent.retryInMillis();
        } catch (TargetSender.Refused refused) {
            if (batch.size() == 1) {
                return handleRefused(source, batch.get(0).original, refused.getMessage());
            }
            // One message of the batch is refused; find it by sending them one by one, in order.
            for (Pending one : batch) {
                long retryIn = sendBatch(source, List.of(one), target, mayCopy);
                if (retryIn != DONE) {
                    return retryIn;
                }
            }
            return DONE;
        }
    }

    /** The target stored the batch in one piece, from the offset it answers: message i at that plus i. */
    private void acknowledged(MessageQueue source, List<Pending> batch, SendResult result) {
        link.targetAnswered(result.getMessageQueue().getBrokerName());
        boolean heartbeats = isHeartbeat(source);
        count(batch, heartbeats);
        // Heartbeats need no syncs: no application's progress on them is translated.
        if (!heartbeats) {
            long[] sourceOffsets = new long[batch.size()];
            for (int i = 0; i < sourceOffsets.length; i++) {
                sourceOffsets[i] = batch.get(i).original.getQueueOffset();
            }
            link.synced(source, result.getMessageQueue(), sourceOffsets, result.getQueueOffset());
        }
        link.advance(source, batch.get(batch.size() - 1).original.getQueueOffset() + 1);
    }

    /** A message the target refuses for good: dead-lettered, or the queue blocks on it ({@code onError}). */
    private long handleRefused(MessageQueue source, MessageExt refused, String reason) {
        if (link.onError() == OnError.DEAD_LETTER) {
            return deadLetter(source, refused, reason);
        }
        return block(source, "blocked at offset " + refused.getQueueOffset() + " (message " + refused.getMsgId()
            + "): target refuses it: " + reason, "onError: block");
    }

    /** Says once that the queue is blocked, and why; it tries again every blockedRetry. */
    private long block(MessageQueue source, String status, String what) {
        link.stats().lastError.set(status);
        if (!status.equals(link.stats().blocked.put(source, status))) {
            LOG.error("{}: {}: {}; copying of this queue stops until that changes ({}); trying again every {} ms",
                link.name(), source, status, what, link.settings().blockedRetry().toMillis());
        }
        return link.settings().blockedRetry().toMillis();
    }

    private long deadLetter(MessageQueue source, MessageExt original, String reason) {
        try {
            link.deadLetters().write(original, reason);
        } catch (Exception e) {
            String why = SendFailure.describe(e);
            if (SendFailure.isPermanent(e)) {
                // Neither copied nor dead-lettered: never dropped, never silent.
                return block(source, "blocked at offset " + original.getQueueOffset() + " (message "
                    + original.getMsgId() + "): target refuses it (" + reason + ") and so does the dead-letter topic "
                    + link.deadLetters().topic() + " on " + link.sourceCluster() + " (" + why + ")", "dead-letter");
            }
            String status = "retrying: dead-letter write failed: " + why;
            link.stats().lastError.set(status);
            if (link.stats().troubled.put(source, status) == null) {
                LOG.warn("{}: {}: could not dead-letter message {}: {}; retrying", link.name(), source,
                    original.getMsgId(), why);
            }
            return link.settings().retryMaxDelay().toMillis();
        }
        link.stats().troubled.remove(source);
        link.stats().blocked.remove(source);
        link.stats().deadLettered.increment();
        link.advance(source, original.getQueueOffset() + 1);
        LOG.warn("{}: {}: message {} at offset {} refused by the target ({}); dead-lettered to {} on {}",
            link.name(), source, original.getMsgId(), original.getQueueOffset(), reason, link.deadLetters().topic(),
            link.sourceCluster());
        return DONE;
    }

    private void countDelivered(MessageQueue source, List<MessageExt> messages) {
        if (messages.isEmpty()) {
            return;
        }
        LinkStats stats = link.stats();
        stats.received.add(messages.size());
        Long known = stats.nextDelivered.get(source);
        long expected = known == null ? messages.get(0).getQueueOffset() : known;
        long skipped = 0;
        for (MessageExt message : messages) {
            long offset = message.getQueueOffset();
            // Behind the expected offset is a redelivery (suspended, or the queue came back from another
            // process); only a jump forward is the broker's filter at work.
            if (offset > expected) {
                skipped += offset - expected;
            }
            expected = Math.max(expected, offset + 1);
        }
        stats.nextDelivered.put(source, expected);
        stats.skippedAtSource.add(skipped);
    }

    private static boolean isHeartbeat(MessageQueue source) {
        return Heartbeats.TOPIC.equals(source.getTopic());
    }

    /** Counts what the target acknowledged just now, and records how long each copy took from its origin. */
    private void count(List<Pending> batch, boolean heartbeats) {
        LinkStats stats = link.stats();
        long now = System.currentTimeMillis();
        if (heartbeats) {
            batch.forEach(p -> stats.heartbeatCopied(p.original.getStoreTimestamp(), now));
            return;
        }
        stats.copied.add(batch.size());
        long bytes = 0;
        long forged = 0;
        for (Pending p : batch) {
            bytes += p.copy.getBody().length;
            forged += p.forged ? 1 : 0;
        }
        stats.copiedBytes.add(bytes);
        if (forged > 0) {
            forgedStampsCopied(batch, forged);
        }
        if (stats.copyDelay != null) {
            for (Pending p : batch) {
                stats.recordDelay(now - originTime(p));
            }
        }
    }

    /**
     * Counts copies whose source carried a stamp without a valid signature; the link's first says so in the log,
     * with what can cause it (the metric counts the rest).
     */
    private void forgedStampsCopied(List<Pending> batch, long forged) {
        LinkStats stats = link.stats();
        if (stats.forgedStamps.sum() == 0) {
            Pending first = batch.stream().filter(p -> p.forged).findFirst().orElseThrow();
            LOG.warn("{}: message {} at offset {} of {} carries FERRY_* properties without a valid signature: copied"
                + " as a local message of {} and counted in ferry_forged_stamps_total. A producer sets FERRY_*"
                + " properties, a Ferry without the signing key copied it, or a Ferry of this deployment has another"
                + " signingKey (compare the key id each logs at start)", link.name(),
                first.original.getMsgId(), first.original.getQueueOffset(), first.original.getTopic(),
                link.sourceCluster());
        }
        stats.forgedStamps.add(forged);
    }

    /** When the message was first stored, on its origin cluster (the stamp carries it across hops). */
    private static long originTime(Pending p) {
        String stamped = p.copy.getProperty(OriginStamp.ORIGIN_TIME);
        try {
            return stamped == null ? p.original.getStoreTimestamp() : Long.parseLong(stamped);
        } catch (NumberFormatException e) {
            return p.original.getStoreTimestamp();
        }
    }

    /** A source message and its stamped copy, encoded once, on the way to the target. */
    private static final class Pending {
        final MessageExt original;
        final Message copy;
        final Batches.Entry entry;
        /** The source's stamp was not trusted: it is copied as a local message. */
        final boolean forged;

        Pending(MessageExt original, Batches.Entry entry, boolean forged) {
            this.original = original;
            this.copy = entry.message;
            this.entry = entry;
            this.forged = forged;
        }

        static Message join(List<Pending> batch) {
            List<Batches.Entry> entries = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                entries.add(p.entry);
            }
            return Batches.join(entries);
        }
    }

    /** What the copier needs of its link. */
    interface LinkParts {
        String name();

        String sourceCluster();

        String targetCluster();

        OriginStamp stamp();

        TargetTopics topics();

        TargetSender sender();

        DeadLetters deadLetters();

        LinkStats stats();

        CopySettings settings();

        OnError onError();

        int maxBatchBytes();

        /** Registers a call in progress; false when the link is stopping and nothing new may start. */
        boolean enter();

        void exit();

        /**
         * The target stored the copies of source messages {@code sourceOffsets} one after the other in
         * {@code target}, the first at {@code firstTargetOffset}.
         */
        void synced(MessageQueue source, MessageQueue target, long[] sourceOffsets, long firstTargetOffset);

        /** Moves the queue's offset to {@code nextOffset}: every message before it is on the target. */
        void advance(MessageQueue source, long nextOffset);

        /** A broker of the target acknowledged a send: it answers, whatever the last probe found. */
        void targetAnswered(String brokerName);

        /** The queue's offset as this process knows it: every message before it is on the target; -1 unknown. */
        long nextOffset(MessageQueue source);

        /**
         * True while this process still holds the source queue, with a lock on the source broker that has not
         * expired, and the link is not stopping.
         */
        boolean owns(MessageQueue source);
    }
}
