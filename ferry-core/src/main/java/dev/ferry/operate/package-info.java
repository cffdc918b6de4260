/**
 * What an operator does by hand, each a command of {@code bin/ferry}: {@link dev.ferry.operate.Failover} moves a
 * group's progress to another cluster with its checkpoint ({@code ferry failover}), {@link dev.ferry.operate.Failback}
 * copies back what a standby took and brings groups home ({@code ferry failback}), {@link dev.ferry.operate.OffsetReset}
 * sets a group to the earliest, the latest or a point in origin time ({@code ferry offsets reset}). Each reads and
 * writes only the clusters it names and holds no state of its own, so it can be run again after an interruption.
 *
 * <p>Not here: the translations they rest on (offset syncs, checkpoints, {@code MoveBack}'s plan for a group's way
 * home), which stay pure and unit-tested in {@code offsets}; and running backups ({@code backup}).
 */
package dev.ferry.operate;
