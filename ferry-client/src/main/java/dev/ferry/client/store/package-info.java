/**
 * The stores of processed message keys that come with Ferry's client.
 *
 * <p>{@link dev.ferry.client.store.ProcessedMessageStores} creates them:
 * <ul>
 *   <li>{@code inMemory()}: bounded by a number of keys and optionally an age, gone with the process. Enough
 *   when duplicates only come from redeliveries within one process's lifetime, or when a duplicate after a
 *   restart is tolerable.</li>
 *   <li>{@code rocksDb(dir)}: keys of processed messages survive a restart, kept for a retention time. For a
 *   consumer that must not process a message twice even across restarts and failovers, in one process.</li>
 *   <li>{@code jdbc(dataSource)}: a table in the application's PostgreSQL or MySQL database, shared by every
 *   process and region that reaches it ({@link dev.ferry.client.store.JdbcProcessedMessages}). Claims are rows
 *   with a lease, so a crashed holder's claim is taken over once the lease ends; done keys are kept for a
 *   retention and deleted in small batches. It also marks messages inside the application's own transaction
 *   ({@link dev.ferry.client.ProcessedInTransaction}), which makes their effect exactly-once.</li>
 * </ul>
 * The in-memory and RocksDB stores keep in-progress claims in memory only: a claim dies with the process, so a
 * crash during processing never hides a message from its redelivery. The JDBC store's claims outlive their
 * process until their lease ends.
 *
 * <p>The implementations are package-private; applications see {@link dev.ferry.client.ProcessedMessages},
 * {@link dev.ferry.client.store.JdbcProcessedMessages} and the builders. The JDBC store is plain
 * {@code java.sql}: {@code JdbcSql} holds every statement and the only differences between the dialects, and the
 * application brings the driver.
 */
package dev.ferry.client.store;
