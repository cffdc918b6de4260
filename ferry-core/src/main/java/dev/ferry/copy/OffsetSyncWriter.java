package dev.ferry.copy;

import org.apache.rocketmq.common.message.MessageQueue;

/** Records where copies landed: what checkpoints translate group offsets with. */
interface OffsetSyncWriter {
    /**
     * The target stored the copies of source messages {@code sourceOffsets} one after the other in
     * {@code target}, the first at {@code firstTargetOffset}.
     */
    void synced(MessageQueue source, MessageQueue target, long[] sourceOffsets, long firstTargetOffset);
}
