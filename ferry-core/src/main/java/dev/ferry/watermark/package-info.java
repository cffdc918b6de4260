/**
 * Exactly-once copying: what of each source queue the target already holds. A link that takes a source queue
 * (at start, after a crash, when a queue moves between processes), or that does not know whether its last send
 * was stored, reads the newest copy of that queue from the target queue itself ({@link
 * dev.ferry.watermark.TargetWatermarks}) and skips every message at or below it, instead of copying it twice.
 * Pure parts: recognising a queue's copies among a shared target queue's messages ({@code CopyOf}) and the
 * backward scan ({@code WatermarkScan}); I/O: {@code TargetQueueReader}. Not here: the copying itself (the copy
 * package asks {@link dev.ferry.watermark.Watermarks} before it sends).
 */
package dev.ferry.watermark;
