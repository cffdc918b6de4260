package dev.ferry.client.grpc;

import dev.ferry.client.ProcessedMessages;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a claim after processing, without throwing (as {@code dev.ferry.client.consumer.Marking} does for the remoting
 * wrappers, for the same reasons).
 *
 * <p>Every claimed key must end in exactly one {@code done} or {@code release}: a key left claimed would answer
 * BUSY until the process ends. Marking done is what may fail (a store that cannot write); the claim is then
 * released, so that the key is not stuck, and the failure logged rather than thrown: the message was processed, and
 * throwing would make RocketMQ redeliver it, and the application process it, once more right away.
 */
final class Settling {

    private static final Logger LOG = LoggerFactory.getLogger(Settling.class);

    private Settling() {
    }

    static void done(ProcessedMessages store, String key, MessageView message) {
        try {
            store.done(key);
        } catch (RuntimeException e) {
            LOG.error("Message {} (topic {}) was processed but cannot be marked done; it is processed again if"
                + " delivered again: {}", key, message.getTopic(), e.toString(), e);
            release(store, key);
        }
    }

    /** Releases {@code key} (nothing if null: a message without a key has no claim). */
    static void release(ProcessedMessages store, String key) {
        if (key == null) {
            return;
        }
        try {
            store.release(key);
        } catch (RuntimeException e) {
            LOG.error("Cannot release the claim on message {}: {}", key, e.toString(), e);
        }
    }
}
