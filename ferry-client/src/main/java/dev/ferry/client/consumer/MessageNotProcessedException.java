package dev.ferry.client.consumer;

import org.apache.rocketmq.common.message.MessageExt;

/**
 * A message of a polled batch was not processed: the handler failed (the cause), or another thread kept the
 * message's key for longer than the helper's busy wait, or the waiting thread was interrupted.
 *
 * <p>The messages before it in the batch were processed and marked done ({@link #before()}); it and the ones
 * after it were not, and nothing of them is claimed. To have them again, seek the consumer back to
 * {@link #message()}'s offset, or rely on an offset commit that only follows success (see the module README).
 */
public final class MessageNotProcessedException extends RuntimeException {

    private final transient MessageExt message;
    private final transient BatchOutcome before;

    MessageNotProcessedException(String reason, MessageExt message, BatchOutcome before, Throwable cause) {
        super("message " + message.getMsgId() + " (topic " + message.getTopic() + ", queue " + message.getQueueId()
            + ", offset " + message.getQueueOffset() + ") not processed: " + reason, cause);
        this.message = message;
        this.before = before;
    }

    /** The message that was not processed. */
    public MessageExt message() {
        return message;
    }

    /** What was done with the messages before it in the batch. */
    public BatchOutcome before() {
        return before;
    }
}
