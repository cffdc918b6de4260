package dev.ferry.client.consumer;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Claims, handles and marks done one message at a time.
 *
 * <p>It holds at most one claim while it waits for another, so processors waiting on each other's keys cannot
 * deadlock. Waiting for a key another thread holds is the only right answer here: a lite-pull consumer has no
 * redelivery to fall back on, so skipping the message would lose it if the other thread then failed.
 */
final class LitePullProcessor implements IdempotentLitePull {

    private static final long FIRST_PAUSE_MILLIS = 1;
    private static final long LONGEST_PAUSE_MILLIS = 50;

    private final Idempotent idempotent;
    private final Duration busyWait;

    LitePullProcessor(Idempotent idempotent, Duration busyWait) {
        this.idempotent = idempotent;
        this.busyWait = busyWait;
    }

    @Override
    public BatchOutcome process(List<MessageExt> messages, MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ProcessedMessages store = idempotent.store();
        int processed = 0;
        int duplicates = 0;
        for (MessageExt message : messages) {
            BatchOutcome before = new BatchOutcome(processed, duplicates);
            String key = idempotent.keyOf(message);
            if (key != null && claim(key, message, before) == Claim.DONE) {
                Idempotent.dropped(message, key);
                duplicates++;
                continue;
            }
            try {
                handler.handle(message);
            } catch (Exception e) {
                Marking.release(store, key);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new MessageNotProcessedException("the handler failed: " + e, message, before, e);
            } catch (Error e) {
                Marking.release(store, key);
                throw e;
            }
            if (key != null) {
                Marking.done(store, key, message);
            }
            processed++;
        }
        return new BatchOutcome(processed, duplicates);
    }

    /** Claims {@code key}, waiting while another thread holds it; returns NEW or DONE. */
    private Claim claim(String key, MessageExt message, BatchOutcome before) {
        long deadline = System.nanoTime() + busyWait.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            Claim claim = idempotent.store().claim(key);
            if (claim != Claim.BUSY) {
                return claim;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new MessageNotProcessedException("another thread has been processing it for longer than "
                    + busyWait, message, before, null);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MessageNotProcessedException("interrupted while another thread processed it", message,
                    before, e);
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }

}
