/**
 * The two stores of processed message keys that come with Ferry's client.
 *
 * <p>{@link dev.ferry.client.store.ProcessedMessageStores} creates them:
 * <ul>
 *   <li>{@code inMemory()}: bounded by a number of keys and optionally an age, gone with the process. Enough
 *   when duplicates only come from redeliveries within one process's lifetime, or when a duplicate after a
 *   restart is tolerable.</li>
 *   <li>{@code rocksDb(dir)}: keys of processed messages survive a restart, kept for a retention time. For a
 *   consumer that must not process a message twice even across restarts and failovers.</li>
 * </ul>
 * Both keep in-progress claims in memory only: a claim dies with the process, so a crash during processing
 * never hides a message from its redelivery.
 *
 * <p>The implementations are package-private; applications see {@link dev.ferry.client.ProcessedMessages}.
 */
package dev.ferry.client.store;
