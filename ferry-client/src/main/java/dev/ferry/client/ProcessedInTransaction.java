package dev.ferry.client;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Processes a message and marks it processed in <b>one database transaction</b>, so that no crash can leave the
 * application's write without the mark, or the mark without the write: each message's effect is committed
 * exactly once.
 *
 * <pre>{@code
 * Outcome outcome = store.processOnce(messageId, connection -> {
 *     try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders ...")) {
 *         ...
 *         insert.executeUpdate();
 *     }
 * });
 * }</pre>
 *
 * <p><b>Why exactly once.</b> The mark is a row of the store's table, keyed by the message key, written in the
 * same transaction as the application's writes, on the same connection:
 * <pre>
 *   BEGIN
 *     INSERT mark(key) ───── a live mark exists ──────────────▶ ROLLBACK, DUPLICATE (or BUSY: claimed)
 *       │  another transaction's uncommitted mark of the key: wait for it; then as above if it committed
 *       ▼
 *     application writes (work) ── throws, or the process dies ─▶ ROLLBACK: no mark, no write;
 *       ▼                                                          the redelivery processes it again
 *   COMMIT ── mark and writes become visible together
 * </pre>
 * <ul>
 *   <li><b>Never twice.</b> The table's primary key admits one mark per key. Of two deliveries processed at once
 *   (two threads, two processes, two regions sharing the database) the second's insert waits on the first's
 *   uncommitted row and, once that commits, finds the key done: it rolls back without running its work.</li>
 *   <li><b>Never lost.</b> If the work throws, the commit fails or the process dies before the commit, the
 *   database rolls the transaction back: neither the mark nor the writes exist, and the redelivery of the
 *   message processes it. Unlike claim-then-done ({@link ProcessedMessages}) there is no moment where the
 *   writes are committed and the mark is not.</li>
 *   <li><b>An unknown commit outcome</b> (the connection broke during the commit) is harmless: the redelivery
 *   finds the mark if the commit happened and processes the message if it did not.</li>
 * </ul>
 * This holds for writes to the database the store's table lives in, through the connection handed to the
 * work. Anything else the work does (a call to another service, a message sent) is not in the transaction and
 * may happen again on a redelivery after a rollback.
 */
public interface ProcessedInTransaction {

    /**
     * Runs {@code work} in a new transaction that also marks {@code key} processed, and commits both; or does
     * nothing if the key was processed before or is being processed elsewhere.
     *
     * <p>{@code work} must not commit, roll back or close the connection (the store does; the connection
     * refuses), nor keep it after returning. To fail the processing, throw: everything is rolled back.
     *
     * @param key the message key; null (no key) runs {@code work} in a transaction without a mark, every time
     * @return {@link Outcome#PROCESSED} once committed, else why not
     * @throws SQLException if the database fails, or {@code work} throws it; everything is rolled back (for a
     *     failed commit: unknown, see above). Deadlocks and serialization failures surface here too: retry later
     */
    Outcome processOnce(String key, Work work) throws SQLException;

    /** What {@link #processOnce} did. */
    enum Outcome {

        /** The work ran and was committed together with the key's mark. */
        PROCESSED,

        /** The key was processed before: the work did not run. Drop the message. */
        DUPLICATE,

        /**
         * The key is claimed right now (by {@link ProcessedMessages#claim} on the same table, outside a
         * transaction): the work did not run. Neither process nor drop the message: try again later.
         */
        BUSY
    }

    /** The application's writes, on the connection of the transaction that marks the message. */
    @FunctionalInterface
    interface Work {

        void run(Connection connection) throws SQLException;
    }
}
