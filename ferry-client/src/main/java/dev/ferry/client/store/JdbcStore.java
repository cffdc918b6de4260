package dev.ferry.client.store;

import dev.ferry.client.Claim;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JdbcProcessedMessages} over one table: claims, marks and releases in autocommit, a statement at a time
 * ({@link KeyRows}), the transactional mark in {@link TransactionalMarks}, the cleanup in {@link ExpiredRows}.
 *
 * <p>Nothing is cached: every answer comes from the table, which is what makes the store correct across
 * processes. Only the keys this instance claimed are remembered locally, so that {@code release} of a key it
 * does not hold costs no round trip and {@code close} can release what it still holds.
 *
 * <p>Times are this JVM's clock (the builder's), not the database's: the tests move a clock, and no SQL for "now
 * in epoch milliseconds" is needed per dialect. The price is that hosts sharing a table must keep their clocks
 * close (NTP): a host whose clock runs ahead by more than the lease would take over live claims.
 */
final class JdbcStore implements JdbcProcessedMessages {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final DataSource dataSource;
    private final JdbcSql sql;
    private final KeyRows rows;
    private final long leaseMillis;
    private final long retentionMillis;
    private final Clock clock;
    private final TransactionalMarks transactions;
    private final ExpiredRows expired;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    JdbcStore(DataSource dataSource, JdbcSql sql, String holder, Duration lease, Duration retention, Clock clock,
        ExpiredRows expired) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.rows = new KeyRows(sql, holder);
        this.leaseMillis = lease.toMillis();
        this.retentionMillis = retention.toMillis();
        this.clock = clock;
        this.transactions = new TransactionalMarks(dataSource, rows, retention, clock);
        this.expired = expired;
    }

    @Override
    public Claim claim(String key) {
        KeyRows.check(key);
        checkOpen();
        long now = clock.millis();
        try (Connection connection = autoCommitted()) {
            Claim claim = rows.take(connection, key, JdbcSql.CLAIMED, now, now + leaseMillis);
            if (claim == Claim.NEW) {
                held.add(key);
            }
            return claim;
        } catch (SQLException e) {
            throw failure("claim", key, e);
        }
    }

    @Override
    public void done(String key) {
        KeyRows.check(key);
        checkOpen();
        try (Connection connection = autoCommitted()) {
            rows.markDone(connection, key, clock.millis() + retentionMillis);
        } catch (SQLException e) {
            throw failure("mark done", key, e);
        }
        held.remove(key);
    }

    @Override
    public void release(String key) {
        if (key == null || !held.remove(key)) {
            return;
        }
        try (Connection connection = autoCommitted()) {
            rows.release(connection, key);
        } catch (SQLException e) {
            // Not thrown: the claim then ends with its lease, and a redelivery takes it over.
            LOG.warn("Cannot release the claim on {} in {}; it expires with its lease: {}", key, sql.table(),
                e.getMessage());
        }
    }

    @Override
    public Outcome processOnce(String key, Work work) throws SQLException {
        checkOpen();
        return transactions.processOnce(key, work);
    }

    @Override
    public int deleteExpired() {
        checkOpen();
        return expired.delete();
    }

    /** Stops the cleanup and releases the claims this instance still holds, so that no redelivery waits on them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        expired.close();
        List<String> stillHeld = new ArrayList<>(held);
        held.clear();
        if (stillHeld.isEmpty()) {
            return;
        }
        try (Connection connection = autoCommitted()) {
            for (String key : stillHeld) {
                rows.release(connection, key);
            }
        } catch (SQLException e) {
            LOG.warn("Cannot release {} claims in {} on close; they expire with their lease: {}", stillHeld.size(),
                sql.table(), e.getMessage());
        }
    }

    private Connection autoCommitted() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("processed messages in table " + sql.table() + " are closed");
        }
    }

    private IllegalStateException failure(String what, String key, SQLException e) {
        return new IllegalStateException("cannot " + what + " processed message '" + key + "' in table "
            + sql.table() + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcProcessedMessages[" + sql.dialect() + " table " + sql.table() + ", holder " + rows.holder()
            + ", lease " + Duration.ofMillis(leaseMillis) + ", retention " + Duration.ofMillis(retentionMillis) + "]";
    }
}
