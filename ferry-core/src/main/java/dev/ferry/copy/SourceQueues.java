package dev.ferry.copy;

import org.apache.rocketmq.common.message.MessageQueue;

/** The source queues as this process holds them. */
interface SourceQueues {
    /** The queue's offset as this process knows it: every message before it is on the target; -1 unknown. */
    long nextOffset(MessageQueue source);

    /** Moves the queue's offset to {@code nextOffset}: every message before it is on the target. */
    void advance(MessageQueue source, long nextOffset);

    /** True while this process holds the queue with a lock on the source broker that has not expired. */
    boolean owns(MessageQueue source);
}
