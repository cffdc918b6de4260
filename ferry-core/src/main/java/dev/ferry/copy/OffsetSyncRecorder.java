package dev.ferry.copy;

import dev.ferry.offsets.OffsetSyncLog;
import dev.ferry.offsets.OffsetSyncStore;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where a link's copies landed: every sync into this process's {@link OffsetSyncStore} (what its checkpoints
 * translate with), and each queue's newest into the target's {@link OffsetSyncLog} once the link has one (what
 * a restarted Ferry, failback and status read back).
 */
final class OffsetSyncRecorder implements OffsetSyncWriter {

    private final OffsetSyncStore store;
    private volatile OffsetSyncLog log;

    OffsetSyncRecorder(OffsetSyncStore store) {
        this.store = store;
    }

    /** Writes to {@code log} from now on. */
    void writeTo(OffsetSyncLog log) {
        this.log = log;
    }

    OffsetSyncLog log() {
        return log;
    }

    @Override
    public void synced(MessageQueue source, MessageQueue target, long[] sourceOffsets, long firstTargetOffset) {
        for (int i = 0; i < sourceOffsets.length; i++) {
            store.record(source, target, sourceOffsets[i], firstTargetOffset + i);
        }
        // The log keeps only the newest sync of a queue until it writes: the batch's last is the one it would keep.
        OffsetSyncLog current = log;
        int last = sourceOffsets.length - 1;
        if (current != null && last >= 0) {
            current.offer(source, target, sourceOffsets[last], firstTargetOffset + last);
        }
    }
}
