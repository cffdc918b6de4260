package dev.ferry.client;

/**
 * The keys of messages an application has processed, so that a redelivered message is recognised and dropped.
 *
 * <p>The protocol is claim, then done or release, because of two failure modes a single "mark as seen" call
 * cannot avoid:
 * <ul>
 *   <li><b>Processing twice at the same time.</b> Two copies of a message may reach two consumer threads at
 *   once. {@link #claim(String)} is atomic: of all concurrent claims of one key exactly one answers
 *   {@link Claim#NEW}, the others {@link Claim#BUSY}, until the holder calls {@link #done(String)} or
 *   {@link #release(String)}.</li>
 *   <li><b>Losing a message.</b> Marking a key before processing it would drop the message for good if the
 *   processing then failed or the process crashed. A key therefore counts as processed only once
 *   {@link #done(String)} is called, after the processing succeeded; a claim alone is not remembered across
 *   a restart (a shared store keeps it until its lease ends), and {@link #release(String)} gives it up so that a
 *   redelivery processes the message again.</li>
 * </ul>
 * The remaining window is a crash between the processing and {@link #done(String)}: the message is then
 * processed again after a redelivery. Closing it needs the processing and the mark in one transaction:
 * {@link ProcessedInTransaction}, which the JDBC store implements.
 *
 * <p>Keys are opaque, non-empty strings, by default the message ID (see {@link MessageKey}). A key is
 * remembered for a bounded time or number of keys, which implementations document: it must outlive the window
 * in which a duplicate can still arrive.
 *
 * <p><b>Implementing.</b> Applications may supply their own store (a database table, a shared cache) to the
 * consumer wrappers. It must be safe for concurrent use, keep {@link #claim(String)} atomic per key as above,
 * record a key in {@link #done(String)} before returning, and treat {@link #done(String)} and
 * {@link #release(String)} of a key it does not hold as harmless: {@code done} still records the key,
 * {@code release} does nothing.
 */
public interface ProcessedMessages extends AutoCloseable {

    /**
     * Tries to take {@code key} for processing.
     *
     * @return {@link Claim#NEW} if the caller now holds the key, {@link Claim#DONE} if it was processed
     *     before, {@link Claim#BUSY} if another caller holds it
     * @throws IllegalStateException if the store is closed or cannot be read
     */
    Claim claim(String key);

    /**
     * Records that {@code key} was processed successfully and gives up the claim: from now on every claim of
     * it answers {@link Claim#DONE}, until the store forgets it.
     *
     * @throws IllegalStateException if the store is closed or cannot be written; the claim is then kept
     */
    void done(String key);

    /** Gives up the claim on {@code key} without recording it, so that a later claim answers {@link Claim#NEW}. */
    void release(String key);

    /** Releases the store's resources; in-progress claims are forgotten. Does nothing by default. */
    @Override
    default void close() {
    }
}
