package dev.ferry.operate;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.offsets.Checkpoint;
import dev.ferry.offsets.CheckpointTopic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Moves a consumer group's progress from one cluster to another with the latest checkpoint stored in the
 * second: what {@code ferry failover} does. It reads and writes only the cluster failed over to, so it works
 * while the other one is down.
 *
 * <p>The group is set to the checkpoint on every queue it covers, in either direction: forward, for a standby
 * that has not consumed there; backward, for a group that ran there with a narrower filter (active-active)
 * and must now also read what the failed region's copies hold. A live group is reset through its broker,
 * which tells its consumers; an idle one has its committed offsets written.
 *
 * <p>Where the target topic is shared (two-way, aggregation: the checkpoint says so), its queues interleave
 * messages of the target's own, or of other sources, with the copies. There the group is never moved forward
 * past what it has not consumed ({@link #resume}):
 *
 * <pre>
 *   target queue:   own own [copy] own [copy] own own [copy] ...
 *                    ^ group's own progress there       ^ checkpoint: forward would skip the "own" between
 * </pre>
 */
public final class Failover {

    /**
     * One target queue of the plan.
     *
     * @param current      the group's committed offset there now, -1 when it has none
     * @param resumeAt     where the checkpoint says it resumes
     * @param reReadAtMost how many messages it had consumed on the source it may read again
     * @param sourceCommitted the group's committed offsets on the source queues copied here, summed, as the
     *                     checkpoint saw them
     * @param checkpointAgeMillis how old the checkpoint is
     * @param why          why the group resumes elsewhere than at the checkpoint; null when it does not
     */
    public record Move(MessageQueue queue, long current, long resumeAt, long reReadAtMost, long sourceCommitted,
                       long checkpointAgeMillis, String why) {
    }

    /** Where a group resumes on one target queue, how much more it may re-read for it, and why. */
    record Resume(long at, long moreReRead, String why) {
    }

    /**
     * Where a group may resume on a target queue, from its checkpoint there. Pure.
     *
     * @param current    the group's own committed offset on the queue, -1 when it has none
     * @param checkpoint where the checkpoint says it resumes
     * @param shared     whether the queue holds more than the copies from the failed cluster
     * @param queueStart the queue's first offset
     * @param target     the target cluster's name, for the reason
     */
    static Resume resume(long current, long checkpoint, boolean shared, long queueStart, String target) {
        if (!shared || current >= checkpoint) {
            // Not shared: the queue holds only the copies, the checkpoint is exact. At or past it: moving back
            // re-reads, and reads the copies the failed region's group had not consumed.
            return new Resume(checkpoint, 0, null);
        }
        if (current >= 0) {
            return new Resume(current, checkpoint - current, "kept at its own progress on " + target
                + ": moving forward to the checkpoint would skip " + target + "'s own messages it has not consumed");
        }
        long start = Math.min(queueStart, checkpoint);
        return new Resume(start, checkpoint - start, "no progress of its own on " + target + ", whose own messages"
            + " share the queue: from the start of the queue, so that none is skipped");
    }

    private Failover() {
    }

    /** The moves that would bring {@code group} on {@code to} to its latest checkpoint from {@code fromCluster}. */
    public static List<Move> plan(ClusterAdmin to, String group, String fromCluster, String topic) throws Exception {
        List<Checkpoint> checkpoints = CheckpointTopic.latest(to.cluster(), c -> c.source().equals(fromCluster)
            && c.group().equals(group) && (topic == null || c.sourceTopic().equals(topic)));
        long now = System.currentTimeMillis();
        List<Move> moves = new ArrayList<>();
        for (Checkpoint checkpoint : checkpoints) {
            Map<MessageQueue, Long> reRead = new HashMap<>();
            Map<MessageQueue, Long> committed = new HashMap<>();
            for (Checkpoint.QueueCheckpoint queue : checkpoint.queues()) {
                MessageQueue target = checkpoint.targetQueueOf(queue);
                reRead.merge(target, queue.reReadAtMost(), Long::sum);
                committed.merge(target, queue.sourceOffset(), Long::sum);
            }
            Map<MessageQueue, Long> spread = spread(checkpoint);
            for (Map.Entry<MessageQueue, Long> entry : checkpoint.resumeOffsets().entrySet()) {
                MessageQueue queue = entry.getKey();
                long current = to.committedOffset(group, queue).orElse(-1);
                Resume resume = resume(current, entry.getValue(), checkpoint.sharedTarget(),
                    checkpoint.sharedTarget() && current < 0 ? to.minOffset(queue) : 0, to.cluster().name());
                long reReadAtMost = reRead.getOrDefault(queue, 0L) + spread.getOrDefault(queue, 0L) + resume.moreReRead();
                moves.add(new Move(queue, current, resume.at(), reReadAtMost, committed.getOrDefault(queue, 0L),
                    now - checkpoint.time(), resume.why()));
            }
        }
        moves.sort(Comparator.comparing((Move m) -> m.queue().getTopic()).thenComparing(m -> m.queue().getBrokerName())
            .thenComparingInt(m -> m.queue().getQueueId()));
        return moves;
    }

    /**
     * Per target queue, how far apart the translations of the source queues copied into it are. With fewer target
     * queues than source queues several share one; the group resumes at the smallest translation, which skips
     * nothing, and so may read again, of the other source queues, copies up to the largest:
     *
     * <pre>
     *   target queue:  ... [q0 q1 q0 q1 q1 q0 ...]
     *                       ^ q0's translation (resume here)   ^ q1's translation
     *                       between them: q1's copies consumed on the source, read again
     * </pre>
     */
    static Map<MessageQueue, Long> spread(Checkpoint checkpoint) {
        Map<MessageQueue, Long> lowest = new HashMap<>();
        Map<MessageQueue, Long> highest = new HashMap<>();
        for (Checkpoint.QueueCheckpoint queue : checkpoint.queues()) {
            MessageQueue target = checkpoint.targetQueueOf(queue);
            lowest.merge(target, queue.targetOffset(), Math::min);
            highest.merge(target, queue.targetOffset(), Math::max);
        }
        Map<MessageQueue, Long> spread = new HashMap<>();
        highest.forEach((queue, high) -> spread.put(queue, high - lowest.get(queue)));
        return spread;
    }

    /** Sets the group's offsets on {@code to} as planned; creates the group there if it is missing. */
    public static void apply(ClusterAdmin to, String group, List<Move> moves) throws Exception {
        Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
        moves.forEach(move -> offsets.put(move.queue(), move.resumeAt()));
        to.moveGroup(group, offsets);
    }
}
