package dev.ferry.copy;

import org.apache.rocketmq.common.message.MessageExt;

/** Where a message goes that the target refuses for good, with {@code onError: dead-letter}. */
interface DeadLetterTopic {
    /** Writes it; throws when that did not succeed. */
    void write(MessageExt refused, String reason) throws Exception;

    /** The topic and its cluster, for messages: {@code FERRY_DLQ_x on A}. */
    String describe();
}
