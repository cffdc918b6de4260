package dev.ferry.client.store;

import dev.ferry.client.ProcessedInTransaction;
import dev.ferry.client.ProcessedMessages;

/**
 * Processed message keys in a table of a relational database (PostgreSQL, MySQL), shared by every process and
 * region that reaches it; built by {@link ProcessedMessageStores#jdbc}.
 *
 * <p>Two ways to use it, on the same table:
 * <ul>
 *   <li>as a {@link ProcessedMessages} store for the {@code Idempotent} wrappers: {@code claim} inserts a claim
 *   row with a lease, {@code done} turns it into a done row kept for the retention, {@code release} deletes it.
 *   A claim whose holder crashed expires with its lease and a redelivery takes it over. Claim-then-done leaves
 *   the window of {@link ProcessedMessages}: a crash after the processing and before {@code done}.</li>
 *   <li>as {@link ProcessedInTransaction}: the mark is written in the transaction of the application's own
 *   writes, which closes that window when those writes go to the same database.</li>
 * </ul>
 *
 * <p>Closing it stops its scheduled cleanup and releases the claims it still holds; the table stays.
 */
public interface JdbcProcessedMessages extends ProcessedMessages, ProcessedInTransaction {

    /**
     * Deletes the rows whose lease or retention ended, in batches of the builder's {@code cleanupBatchSize},
     * each its own short statement and transaction: the table is never locked, and consumers go on meanwhile.
     * The builder schedules it unless told not to; several processes running it at once is harmless.
     *
     * @return how many rows were deleted
     * @throws IllegalStateException if the database fails; what was deleted before stays deleted
     */
    int deleteExpired();
}
