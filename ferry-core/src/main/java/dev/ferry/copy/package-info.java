/**
 * Copying: a {@link dev.ferry.copy.Link} is one direction of a backup, a RocketMQ consumer group on the source
 * whose orderly listener ({@code QueueCopier}) stamps each message ({@link dev.ferry.copy.OriginStamp}), sends it
 * in batches to the queue the mapping gives ({@code QueueMapping}, {@code TargetTopics}, {@code TargetSender}) and
 * records where each copy landed for the offsets package. The consumer's pull layer is Ferry's ({@code ReadAhead}:
 * several pulls in flight per queue, decoded by {@code PullDecoder}). Also here: loop checks, dead letters, heartbeats,
 * reading from a source slave while its master is down, and the link's status. {@code Link} is a small
 * coordinator: its class comment draws the parts it is made of. Not here: translating offsets (the offsets
 * package) and what a backup is (the backup package).
 */
package dev.ferry.copy;
