package dev.ferry.offsets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A consumer group's progress on the source, translated to the target at one moment: where the group resumes
 * on each target queue without skipping a message it had not consumed, and how much it may read again there.
 * Written by the process that copies the source queues it covers; read by {@code ferry failover} from the
 * target alone, so it works while the source is down.
 *
 * @param backup      the backup whose link copied the messages
 * @param source      the cluster the group consumed on
 * @param target      the cluster the checkpoint is for (and stored in)
 * @param group       the consumer group
 * @param sourceTopic the topic on the source
 * @param targetTopic its name on the target
 * @param time        when it was taken, epoch milliseconds
 * @param queues      one entry per source queue translated
 * @param sharedTarget whether the target topic holds more than this link's copies (two-way: the target takes
 *                    traffic of its own; aggregation: other sources copy into it), so that moving a group forward
 *                    there could skip messages it never consumed; false in checkpoints written before it existed
 */
public record Checkpoint(String backup, String source, String target, String group, String sourceTopic,
                         String targetTopic, long time, List<QueueCheckpoint> queues, boolean sharedTarget) {

    /**
     * @param sourceOffset the group's committed offset on the source queue
     * @param targetOffset where the group resumes on the target queue
     * @param reReadAtMost how many messages it had consumed that it may read again from there
     */
    public record QueueCheckpoint(String sourceBroker, int sourceQueue, long sourceOffset, String targetBroker,
                                  int targetQueue, long targetOffset, long reReadAtMost) {
    }

    /** The target queue {@code queue}'s copies go to. */
    public MessageQueue targetQueueOf(QueueCheckpoint queue) {
        return new MessageQueue(targetTopic, queue.targetBroker(), queue.targetQueue());
    }

    /**
     * Per target queue, where the group resumes: the smallest of the translations of the source queues
     * copied into it (with fewer target queues than source queues, several share one).
     */
    public Map<MessageQueue, Long> resumeOffsets() {
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (QueueCheckpoint queue : queues) {
            offsets.merge(targetQueueOf(queue), queue.targetOffset(), Math::min);
        }
        return offsets;
    }

    /** The same progress, ignoring when it was taken: whether a new checkpoint says anything new. */
    boolean sameProgress(Checkpoint other) {
        return other != null && queues.equals(other.queues);
    }
}
