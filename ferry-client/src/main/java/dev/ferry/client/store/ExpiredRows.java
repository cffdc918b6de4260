package dev.ferry.client.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the rows whose lease or retention ended, a batch at a time, optionally on a schedule.
 *
 * <p>Small batches in autocommit, because the table is shared by live consumers: one big {@code DELETE} would
 * hold row locks on every expired row for its whole duration, make a claim of such a key wait, and grow the
 * transaction log. A batch locks at most {@code batchSize} rows for a moment. Deleting is an optimisation only:
 * an expired row counts as absent whether deleted or not, so a late or failed cleanup changes no answer.
 */
final class ExpiredRows implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredRows.class);

    private final DataSource dataSource;
    private final JdbcSql sql;
    private final Clock clock;
    private final int batchSize;
    private ScheduledExecutorService scheduler;
    private volatile boolean closed;

    ExpiredRows(DataSource dataSource, JdbcSql sql, Clock clock, int batchSize) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /** Runs {@link #delete()} every {@code interval}, on a daemon thread of its own, until closed. */
    synchronized void schedule(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-processed-messages-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::deleteQuietly, interval.toMillis(), interval.toMillis(),
            TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes every row expired now, batch after batch, until a batch comes back short. Rows expiring meanwhile
     * wait for the next run, so a run always ends.
     */
    int delete() {
        long now = clock.millis();
        int deleted = 0;
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            int batch;
            do {
                batch = sql.deleteExpired(connection, now, batchSize);
                deleted += batch;
            } while (batch == batchSize && !closed);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete expired processed messages from " + sql.table()
                + " (deleted " + deleted + " before): " + e.getMessage(), e);
        }
        return deleted;
    }

    private void deleteQuietly() {
        try {
            int deleted = delete();
            if (deleted > 0) {
                LOG.debug("Deleted {} expired processed messages from {}", deleted, sql.table());
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Cleanup of expired processed messages failed; next try in one interval: {}", e.getMessage(),
                    e);
            }
        }
    }

    /** Stops the schedule; a batch under way ends by itself, and no further one starts. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
