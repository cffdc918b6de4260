/**
 * Consumer progress across clusters: offset syncs (where each copy landed: {@link dev.ferry.offsets.OffsetSyncs},
 * {@link dev.ferry.offsets.OffsetSyncStore}, persisted by {@link dev.ferry.offsets.OffsetSyncLog}), checkpoints
 * (groups' progress translated into the target: {@link dev.ferry.offsets.Checkpointer}), and the moves an
 * operator makes with them: failover, failback, offset reset. Translation is pure and unit-tested apart from
 * any broker.
 */
package dev.ferry.offsets;
