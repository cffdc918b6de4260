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
 *
 * <h2>Processing and marking in one transaction</h2>
 *
 * <p>Claim, then done, leaves one window: a crash after the processing but before {@code done} processes the
 * message again after its redelivery. When the processing writes to a relational database, the window closes by
 * recording the message in the same transaction as the business change:
 *
 * <pre>{@code
 * CREATE TABLE processed_message (consumer_group VARCHAR(255) NOT NULL, message_id VARCHAR(128) NOT NULL,
 *     processed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (consumer_group, message_id));
 *
 * connection.setAutoCommit(false);
 * insert.setString(1, group);
 * insert.setString(2, MessageKey.messageId().of(message));
 * insert.executeUpdate();              // INSERT INTO processed_message (consumer_group, message_id) VALUES (?, ?)
 * applyBusinessChange(connection, message);
 * connection.commit();                 // a duplicate-key error on the INSERT instead: processed before, roll back
 * }</pre>
 *
 * The primary key admits the message once; the row commits only with the business change and rolls back with
 * it; a concurrent duplicate's insert waits for the first transaction and then fails or goes through. The
 * module's README has the complete listener.
 */
package dev.ferry.client;
