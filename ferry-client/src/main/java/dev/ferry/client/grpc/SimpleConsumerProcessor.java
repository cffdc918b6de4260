package dev.ferry.client.grpc;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims, handles, marks done and acknowledges one received message at a time.
 *
 * <p>Each message of a {@code SimpleConsumer} is acknowledged on its own, and one left unacknowledged comes back by
 * itself once its invisible duration ends: so a message that cannot be settled now (its handler failed, or another
 * thread holds its key) is simply left, and the rest of the batch goes on. It holds at most one claim at a time and
 * never waits for another, so receive loops cannot deadlock on each other's keys. The one exception to "the rest
 * goes on" is a FIFO message group: its later messages in the batch stay unacknowledged too, or they would be
 * processed before the one left behind.
 *
 * <pre>
 *   claim ──NEW──▶ handle ──ok──▶ done ──▶ ack          processed
 *     │                  └─throws─▶ release (no ack)    failed: back after the invisible duration
 *     ├──DONE──▶ ack                                    duplicate
 *     └──BUSY──▶ (no ack) [changeInvisibleDuration]     deferred: back later, then DONE or NEW
 * </pre>
 */
final class SimpleConsumerProcessor implements IdempotentSimpleConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SimpleConsumerProcessor.class);

    private final GrpcIdempotent idempotent;
    private final SimpleConsumer consumer;
    /** Empty: a message held elsewhere comes back after the invisible duration it was received with. */
    private final Optional<Duration> busyRetryAfter;

    SimpleConsumerProcessor(GrpcIdempotent idempotent, SimpleConsumer consumer, Optional<Duration> busyRetryAfter) {
        this.idempotent = idempotent;
        this.consumer = consumer;
        this.busyRetryAfter = busyRetryAfter;
    }

    @Override
    public ReceiveOutcome process(List<MessageView> received, MessageViewHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ProcessedMessages store = idempotent.store();
        Set<String> heldBackGroups = new HashSet<>();
        int processed = 0;
        int duplicates = 0;
        int failed = 0;
        int deferred = 0;
        boolean interrupted = false;
        for (MessageView message : received) {
            Optional<String> group = message.getMessageGroup();
            if (interrupted || group.filter(heldBackGroups::contains).isPresent()) {
                deferred++;
                continue;
            }
            String key = idempotent.keyOf(message);
            Claim claim = key == null ? Claim.NEW : store.claim(key);
            if (claim == Claim.DONE) {
                GrpcIdempotent.dropped(message, key);
                ack(message);
                duplicates++;
                continue;
            }
            if (claim == Claim.BUSY) {
                GrpcIdempotent.held(message, key);
                retryLater(message);
                group.ifPresent(heldBackGroups::add);
                deferred++;
                continue;
            }
            try {
                handler.handle(message);
            } catch (Exception e) {
                Settling.release(store, key);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    interrupted = true; // the loop is being stopped: the rest is left for a redelivery
                }
                LOG.warn("Message {} (topic {}) not processed, left for a redelivery: {}", message.getMessageId(),
                    message.getTopic(), e.toString(), e);
                group.ifPresent(heldBackGroups::add);
                failed++;
                continue;
            } catch (Error e) {
                Settling.release(store, key);
                throw e;
            }
            if (key != null) {
                Settling.done(store, key, message); // before the ack: a crash in between leaves a duplicate, not a loss
            }
            ack(message);
            processed++;
        }
        return new ReceiveOutcome(processed, duplicates, failed, deferred);
    }

    /** Acknowledges, logging a failure: the message comes back, and is acknowledged then as processed before. */
    private void ack(MessageView message) {
        try {
            consumer.ack(message);
        } catch (ClientException | RuntimeException e) {
            LOG.warn("Cannot acknowledge message {} (topic {}); it comes back and is dropped then: {}",
                message.getMessageId(), message.getTopic(), e.toString());
        }
    }

    private void retryLater(MessageView message) {
        if (busyRetryAfter.isEmpty()) {
            return;
        }
        try {
            consumer.changeInvisibleDuration(message, busyRetryAfter.get());
        } catch (ClientException | RuntimeException e) {
            LOG.debug("Cannot shorten the invisible duration of message {}; it comes back when it ends: {}",
                message.getMessageId(), e.toString());
        }
    }
}
