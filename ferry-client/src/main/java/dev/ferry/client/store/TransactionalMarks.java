package dev.ferry.client.store;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedInTransaction.Outcome;
import dev.ferry.client.ProcessedInTransaction.Work;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link dev.ferry.client.ProcessedInTransaction#processOnce}: the key's row is taken as done (not claimed) first
 * in the transaction, then the application's work runs on the same connection, then one commit. Taking the row
 * first means a duplicate is turned away before any of its work runs, and the row lock that the insert holds
 * until the commit is what makes a concurrent duplicate wait, in this process or any other.
 */
final class TransactionalMarks {

    private final DataSource dataSource;
    private final KeyRows rows;
    private final Duration retention;
    private final Clock clock;

    TransactionalMarks(DataSource dataSource, KeyRows rows, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.retention = retention;
        this.clock = clock;
    }

    Outcome processOnce(String key, Work work) throws SQLException {
        Objects.requireNonNull(work, "work");
        String checked = key == null || key.isEmpty() ? null : KeyRows.check(key);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            try {
                return inTransaction(connection, checked, work);
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(connection);
                }
            }
        }
    }

    private Outcome inTransaction(Connection connection, String key, Work work) throws SQLException {
        try {
            if (key != null) {
                long now = clock.millis();
                Claim taken = rows.take(connection, key, JdbcSql.DONE, now, now + retention.toMillis());
                if (taken != Claim.NEW) {
                    connection.rollback();
                    return taken == Claim.DONE ? Outcome.DUPLICATE : Outcome.BUSY;
                }
            }
            work.run(GuardedConnection.around(connection));
            connection.commit();
            return Outcome.PROCESSED;
        } catch (SQLException | RuntimeException | Error e) {
            // Also after a failed commit: whatever the database did, nothing stays half done.
            try {
                connection.rollback();
            } catch (SQLException | RuntimeException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** Hands the connection back as it came; a pool would reset it anyway, a plain DataSource closes it. */
    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is broken; closing it is all that is left, and the caller does.
        }
    }
}
