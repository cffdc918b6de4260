package dev.ferry.copy;

import dev.ferry.config.BackupConfig.OnError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *   source queue:  ... | m5 m6 m7 m8 | m9 ...        committed offset --> m5
 *   this call:           stamp, batch, send, ack     then SUCCESS  --> committed m9
 * </pre>
 *
 * <p>Within a call, every batch the target acknowledged moves the queue's offset forward at once, so that a
 * call cut short keeps what it did. Anything that cannot be finished (the link is stopping, the queue moved to
 * another process) returns {@code SUSPEND_CURRENT_QUEUE_A_MOMENT}: the rest stays uncommitted and is copied
 * by whoever owns the queue next — at least once, never lost.
 */
final class QueueCopier implements MessageListenerOrderly {

    private static final Logger LOG = LoggerFactory.getLogger(QueueCopier.class);

    private final LinkParts link;

    QueueCopier(LinkParts link) {
        this.link = link;
    }

    @Override
    public ConsumeOrderlyStatus consumeMessage(List<MessageExt> messages, ConsumeOrderlyContext context) {
        MessageQueue source = context.getMessageQueue();
        if (!link.enter()) {
            context.setSuspendCurrentQueueTimeMillis(1_000);
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        try {
            if (copy(source, messages)) {
                return ConsumeOrderlyStatus.SUCCESS;
            }
            context.setSuspendCurrentQueueTimeMillis(1_000);
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        } finally {
            link.exit();
        }
    }

    /** @return true when every message was copied, skipped or dead-lettered */
    private boolean copy(MessageQueue source, List<MessageExt> messages) throws InterruptedException {
        boolean heartbeats = isHeartbeat(source);
        if (!heartbeats) {
            countDelivered(source, messages);
        }
        String targetTopic = link.topics().targetTopic(source.getTopic());
        List<Pending> copies = new ArrayList<>(messages.size());
        Batches.Encoder encoder = new Batches.Encoder();
        for (MessageExt message : messages) {
            Optional<Message> copy = link.stamp().stamp(message, targetTopic, link.targetCluster());
            if (copy.isPresent()) {
                copies.add(new Pending(message, encoder.entry(copy.get())));
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
            if (!sendBatch(source, batch, target)) {
                return false;
            }
        }
        if (!messages.isEmpty()) {
            link.stats().lastCopiedStoreTime.put(source, messages.get(messages.size() - 1).getStoreTimestamp());
        }
        return true;
    }

    private boolean sendBatch(MessageQueue source, List<Pending> batch, TargetSender.QueueResolver target)
        throws InterruptedException {
        try {
            SendResult result = link.sender().send(Pending.join(batch), batch.size(), source, target,
                () -> link.owns(source));
            if (result == null) {
                return false;
            }
            boolean heartbeats = isHeartbeat(source);
            count(batch, heartbeats);
            // A batch is stored in one piece, from the offset the target answers: message i at that plus i.
            // (Heartbeats need no syncs: no application's progress on them is translated.)
            if (!heartbeats) {
                long[] sourceOffsets = new long[batch.size()];
                for (int i = 0; i < sourceOffsets.length; i++) {
                    sourceOffsets[i] = batch.get(i).original.getQueueOffset();
                }
                link.synced(source, result.getMessageQueue(), sourceOffsets, result.getQueueOffset());
            }
            long lastSourceOffset = batch.get(batch.size() - 1).original.getQueueOffset();
            link.advance(source, lastSourceOffset + 1);
            return true;
        } catch (TargetSender.Refused refused) {
            if (batch.size() == 1) {
                return handleRefused(source, batch.get(0), refused, target);
            }
            // One message of the batch is refused; find it by sending them one by one, in order.
            for (Pending one : batch) {
                if (!sendBatch(source, List.of(one), target)) {
                    return false;
                }
            }
            return true;
        }
    }

    private boolean handleRefused(MessageQueue source, Pending refused, TargetSender.Refused why,
                                  TargetSender.QueueResolver target) throws InterruptedException {
        String reason = why.getMessage();
        MessageExt original = refused.original;
        if (link.onError() == OnError.DEAD_LETTER) {
            return deadLetter(source, original, reason);
        }
        String status = "blocked at offset " + original.getQueueOffset() + " (message " + original.getMsgId()
            + "): target refuses it: " + reason;
        link.stats().blocked.put(source, status);
        link.stats().lastError.set(status);
        LOG.error("{}: {}: {}; copying of this queue stops until the target takes it (onError: block)",
            link.name(), source, status);
        while (link.owns(source)) {
            Thread.sleep(link.settings().blockedRetryMillis());
            try {
                SendResult result = link.sender().send(refused.copy, 1, source, target, () -> link.owns(source));
                if (result != null) {
                    link.stats().blocked.remove(source);
                    LOG.info("{}: {}: target took the blocking message; copying goes on", link.name(), source);
                    count(List.of(refused), isHeartbeat(source));
                    link.synced(source, result.getMessageQueue(), new long[] {original.getQueueOffset()},
                        result.getQueueOffset());
                    link.advance(source, original.getQueueOffset() + 1);
                    return true;
                }
            } catch (TargetSender.Refused stillRefused) {
                // still blocked; the status already says why
            }
        }
        return false;
    }

    private boolean deadLetter(MessageQueue source, MessageExt original, String reason) throws InterruptedException {
        Backoff backoff = new Backoff(100, link.settings().retryMaxDelayMillis());
        while (true) {
            try {
                link.deadLetters().write(original, reason);
                link.stats().deadLettered.increment();
                link.advance(source, original.getQueueOffset() + 1);
                LOG.warn("{}: {}: message {} at offset {} refused by the target ({}); dead-lettered to {} on {}",
                    link.name(), source, original.getMsgId(), original.getQueueOffset(), reason,
                    link.deadLetters().topic(), link.sourceCluster());
                return true;
            } catch (Exception e) {
                String why = SendFailure.describe(e);
                link.stats().lastError.set("dead-letter write failed: " + why);
                LOG.warn("{}: {}: could not dead-letter message {}: {}; retrying", link.name(), source,
                    original.getMsgId(), why);
            }
            if (!link.owns(source)) {
                return false;
            }
            Thread.sleep(backoff.nextDelayMillis());
        }
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
        for (Pending p : batch) {
            bytes += p.copy.getBody().length;
        }
        stats.copiedBytes.add(bytes);
        if (stats.copyDelay != null) {
            for (Pending p : batch) {
                stats.recordDelay(now - originTime(p));
            }
        }
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

        Pending(MessageExt original, Batches.Entry entry) {
            this.original = original;
            this.copy = entry.message;
            this.entry = entry;
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

        /** True while this process still holds the source queue and the link is not stopping. */
        boolean owns(MessageQueue source);
    }
}
