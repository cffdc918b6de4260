package dev.ferry.copy;

import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/** Where the copies go. */
interface CopyTarget {
    /** The target cluster's name, as copies' paths carry it. */
    String cluster();

    /** The target topic of a source topic. */
    String topicFor(String sourceTopic);

    /** Most encoded bytes in one batch: the settings' limit, lowered to what the target takes. */
    int maxBatchBytes();

    /**
     * Sends a batch of {@code count} copies of messages of {@code source} to the target queue of that source
     * queue, in one piece.
     *
     * @throws TargetSender.Unsent  not taken now; try again after its delay
     * @throws TargetSender.Refused the target refuses a message of the batch for good
     */
    SendResult send(Message batch, int count, MessageQueue source) throws TargetSender.Unsent, TargetSender.Refused;

    /**
     * Everything handed for {@code source} is on the target, sent or found there already: a retry of its sends is
     * over even when nothing was left to send (what the last attempts stored is read back, not sent again).
     */
    void settled(MessageQueue source);
}
