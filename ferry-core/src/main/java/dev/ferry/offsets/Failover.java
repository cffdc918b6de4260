package dev.ferry.offsets;

import dev.ferry.cluster.ClusterAdmin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
     */
    public record Move(MessageQueue queue, long current, long resumeAt, long reReadAtMost, long sourceCommitted,
                       long checkpointAgeMillis) {
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
                MessageQueue target = new MessageQueue(checkpoint.targetTopic(), queue.targetBroker(), queue.targetQueue());
                reRead.merge(target, queue.reReadAtMost(), Long::sum);
                committed.merge(target, queue.sourceOffset(), Long::sum);
            }
            for (Map.Entry<MessageQueue, Long> resume : Checkpointer.resumeOffsets(checkpoint).entrySet()) {
                OptionalLong current = to.committedOffset(group, resume.getKey());
                moves.add(new Move(resume.getKey(), current.orElse(-1), resume.getValue(),
                    reRead.getOrDefault(resume.getKey(), 0L), committed.getOrDefault(resume.getKey(), 0L),
                    now - checkpoint.time()));
            }
        }
        moves.sort(Comparator.comparing((Move m) -> m.queue().getTopic()).thenComparing(m -> m.queue().getBrokerName())
            .thenComparingInt(m -> m.queue().getQueueId()));
        return moves;
    }

    /** Sets the group's offsets on {@code to} as planned; creates the group there if it is missing. */
    public static void apply(ClusterAdmin to, String group, List<Move> moves) throws Exception {
        Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
        moves.forEach(move -> offsets.put(move.queue(), move.resumeAt()));
        to.moveGroup(group, offsets);
    }
}
