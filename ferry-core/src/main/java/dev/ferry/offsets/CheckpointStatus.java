package dev.ferry.offsets;

import dev.ferry.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest checkpoint of one group and topic in one direction, for status: how old it is, how many
 * messages the group would read again at most if it failed over now, and how many it had not consumed.
 *
 * @param lag messages the group had not consumed on the source when the checkpoint was taken (on the queues it
 *            translates); -1 when not known (checkpoints read back from a target)
 */
public record CheckpointStatus(String backup, String source, String target, String group, String topic,
                               long ageMillis, long reReadAtMost, long lag) {

    /**
     * The newest checkpoints of a backup stored in one of its targets, read from that cluster alone: what
     * {@code ferry status} shows when no Ferry runs, the source may be down, and a failover is being weighed.
     */
    public static List<CheckpointStatus> storedIn(ClusterConfig target, String backup) throws Exception {
        long now = System.currentTimeMillis();
        List<CheckpointStatus> status = new ArrayList<>();
        for (Checkpoint checkpoint : CheckpointTopic.latest(target, c -> c.backup().equals(backup))) {
            status.add(of(checkpoint, now, -1));
        }
        return status;
    }

    static CheckpointStatus of(Checkpoint checkpoint, long nowMillis, long lag) {
        long reRead = checkpoint.queues().stream().mapToLong(Checkpoint.QueueCheckpoint::reReadAtMost).sum();
        return new CheckpointStatus(checkpoint.backup(), checkpoint.source(), checkpoint.target(), checkpoint.group(),
            checkpoint.sourceTopic(), nowMillis - checkpoint.time(), reRead, lag);
    }
}
