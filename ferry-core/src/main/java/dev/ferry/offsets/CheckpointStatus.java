package dev.ferry.offsets;

/**
 * The newest checkpoint of one group and topic in one direction, for status: how old it is, and how many
 * messages the group would read again at most if it failed over now.
 */
public record CheckpointStatus(String backup, String source, String target, String group, String topic,
                               long ageMillis, long reReadAtMost) {

    static CheckpointStatus of(Checkpoint checkpoint, long nowMillis) {
        long reRead = checkpoint.queues().stream().mapToLong(Checkpoint.QueueCheckpoint::reReadAtMost).sum();
        return new CheckpointStatus(checkpoint.backup(), checkpoint.source(), checkpoint.target(), checkpoint.group(),
            checkpoint.sourceTopic(), nowMillis - checkpoint.time(), reRead);
    }
}
