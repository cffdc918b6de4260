/**
 * Consumer progress across clusters: offset syncs (where each copy landed: {@link dev.ferry.offsets.OffsetSyncs},
 * {@link dev.ferry.offsets.OffsetSyncStore}, persisted by {@link dev.ferry.offsets.OffsetSyncLog}), checkpoints
 * (groups' progress translated into the target: {@link dev.ferry.offsets.Checkpointer}, read back by
 * {@link dev.ferry.offsets.CheckpointTopic}), and {@link dev.ferry.offsets.MoveBack}, where a group resumes on its
 * home cluster after a failback. Translation is pure and unit-tested apart from any broker.
 *
 * <p>Not here: copying ({@code copy}, which records the syncs), and the operator commands that move groups with
 * these translations ({@code operate}).
 */
package dev.ferry.offsets;
