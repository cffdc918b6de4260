/**
 * Ferry's names in a RocketMQ cluster, owned by {@link dev.ferry.names.FerryNames} alone: the link's consumer
 * group {@code ferry-<backup>-to-<target>}, Ferry's own topics ({@code FERRY_HEARTBEAT}, {@code FERRY_CHECKPOINTS},
 * {@code FERRY_OFFSET_SYNCS}, {@code FERRY_DLQ_<backup>}), its other clients' groups, the properties it puts on
 * messages, and how to tell them from an application's. Depends on nothing else in Ferry, so every package may
 * ask it. It holds no behaviour: what a stamp means is {@code copy}'s, what a checkpoint holds is {@code offsets}'.
 */
package dev.ferry.names;
