/**
 * Idempotent consumption of messages that Ferry copies between RocketMQ clusters.
 *
 * <p>Ferry delivers at least once and keeps a message's ID identical in every region, so after a crash or a
 * failover a consumer may receive the same message twice, possibly at the same moment on two threads. This
 * package holds the contract that makes a second delivery harmless: {@link dev.ferry.client.ProcessedMessages},
 * a store of processed message keys with a claim, then done or release protocol ({@link dev.ferry.client.Claim}),
 * and {@link dev.ferry.client.MessageKey}, which says what identifies a message.
 *
 * <p>{@link dev.ferry.client.ProcessedInTransaction} is the stronger contract of a store in the application's
 * database: the message is marked in the same transaction as the application's writes, so its effect is committed
 * exactly once.
 *
 * <p>Implementations live in {@code dev.ferry.client.store} (in memory, RocksDB, a JDBC table); the wrappers for
 * RocketMQ's push and lite-pull consumers live in {@code dev.ferry.client.consumer}, those for the 5.x gRPC client's
 * push and simple consumers in {@code dev.ferry.client.grpc}. Applications may plug in their own store by
 * implementing {@link dev.ferry.client.ProcessedMessages}.
 *
 * <h2>Processing and marking in one transaction</h2>
 *
 * <p>Claim, then done, leaves one window: a crash after the processing but before {@code done} processes the
 * message again after its redelivery. When the processing writes to a relational database, the window closes by
 * recording the message in the same transaction as the business change, which the JDBC store does:
 *
 * <pre>{@code
 * JdbcProcessedMessages store = ProcessedMessageStores.jdbc(dataSource).build();
 * store.processOnce(MessageKey.messageId().of(message), connection -> applyBusinessChange(connection, message));
 * }</pre>
 *
 * The table's primary key admits the message once; the mark commits only with the business change and rolls back
 * with it; a concurrent duplicate's mark waits for the first transaction and then finds the key done, or goes
 * through if the first rolled back. {@link dev.ferry.client.ProcessedInTransaction} draws it; the module's README
 * has the listener ({@code Idempotent.transactionally}).
 */
package dev.ferry.client;
