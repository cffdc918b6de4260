/**
 * Idempotent consumption of messages that Ferry copies between RocketMQ clusters.
 *
 * <p>Ferry delivers at least once and keeps a message's ID identical in every region, so after a crash or a
 * failover a consumer may receive the same message twice, possibly at the same moment on two threads. This
 * package holds the contract that makes a second delivery harmless: {@link dev.ferry.client.ProcessedMessages},
 * a store of processed message keys with a claim, then done or release protocol ({@link dev.ferry.client.Claim}),
 * and {@link dev.ferry.client.MessageKey}, which says what identifies a message.
 *
 * <p>Implementations live in {@code dev.ferry.client.store} (in memory, RocksDB); the wrappers for RocketMQ's
 * push and lite-pull consumers live in {@code dev.ferry.client.consumer}. Applications may plug in their own
 * store (a database table, say) by implementing {@link dev.ferry.client.ProcessedMessages}.
 */
package dev.ferry.client;
