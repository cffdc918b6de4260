package dev.ferry.client.grpc;

import dev.ferry.client.ProcessedMessages;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * A push consumer's listener that passes on only the messages whose key it claimed as new.
 *
 * <p>The 5.x push consumer hands its listener one message at a time, and retries each on its own: unlike the
 * remoting client's batches, nothing else is sent back with a duplicate. A duplicate whose original is in progress
 * answers {@code FAILURE} rather than waiting: waiting would be safe from deadlock here (this listener holds no claim
 * while it would wait), but would hold a consumption thread for as long as the original takes, and the client's own
 * retry, after the group's backoff, does the waiting for free (see {@link GrpcIdempotent#listener}).
 */
final class IdempotentMessageListener implements MessageListener {

    private final GrpcIdempotent idempotent;
    private final MessageListener listener;

    IdempotentMessageListener(GrpcIdempotent idempotent, MessageListener listener) {
        this.idempotent = idempotent;
        this.listener = listener;
    }

    @Override
    public ConsumeResult consume(MessageView message) {
        String key = idempotent.keyOf(message);
        if (key == null) {
            return successOrFailure(listener.consume(message));
        }
        ProcessedMessages store = idempotent.store();
        switch (store.claim(key)) {
            case DONE -> {
                GrpcIdempotent.dropped(message, key);
                return ConsumeResult.SUCCESS;
            }
            case BUSY -> {
                GrpcIdempotent.held(message, key);
                return ConsumeResult.FAILURE;
            }
            case NEW -> {
                // processed below
            }
            default -> throw new IllegalStateException("unknown claim");
        }

        ConsumeResult result;
        try {
            result = listener.consume(message);
        } catch (RuntimeException | Error e) {
            Settling.release(store, key);
            throw e;
        }
        if (result == ConsumeResult.SUCCESS) {
            Settling.done(store, key, message);
            return ConsumeResult.SUCCESS;
        }
        Settling.release(store, key);
        return ConsumeResult.FAILURE;
    }

    /** The client acknowledges only {@code SUCCESS}; null is answered as the failure it is taken for. */
    private static ConsumeResult successOrFailure(ConsumeResult result) {
        return result == ConsumeResult.SUCCESS ? ConsumeResult.SUCCESS : ConsumeResult.FAILURE;
    }
}
