package dev.ferry.client.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Every SQL statement of the JDBC store, for one table in one dialect: the only place where PostgreSQL and MySQL
 * differ. The README's DDL is {@link #createTable()}'s.
 *
 * <p>One row per key: {@code state} is {@value #CLAIMED} (someone holds the key) or {@value #DONE} (processed),
 * {@code expires_at} the epoch millisecond when the claim's lease or the done key's retention ends. An expired
 * row counts as absent, whether the cleanup deleted it yet or not; that is why one column and one index serve
 * both the lease and the retention.
 */
final class JdbcSql {

    static final String CLAIMED = "C";
    static final String DONE = "D";
    /** The longest key the table takes (VARCHAR(255): in MySQL's utf8mb4 that is 1,020 bytes, within InnoDB's limit). */
    static final int MAX_KEY_LENGTH = 255;

    private final SqlDialect dialect;
    private final String table;
    private final String insertIfAbsent;
    private final String takeOverExpired;
    private final String read;
    private final String markDone;
    private final String releaseClaim;

    JdbcSql(SqlDialect dialect, String table) {
        this.dialect = dialect;
        this.table = table;
        String columns = "(message_key, state, claimed_by, expires_at) VALUES (?, ?, ?, ?)";
        boolean postgres = dialect == SqlDialect.POSTGRESQL;
        // Both wait for an uncommitted insert of the same key by another transaction, then insert nothing if it
        // committed. MySQL's IGNORE also turns other errors into warnings, which the store's checks (key length)
        // keep from happening.
        this.insertIfAbsent = postgres
            ? "INSERT INTO " + table + " " + columns + " ON CONFLICT (message_key) DO NOTHING"
            : "INSERT IGNORE INTO " + table + " " + columns;
        // Re-evaluated on the newest row version once a concurrent writer commits (PostgreSQL's READ COMMITTED
        // re-check, InnoDB's locking read): of two takers, the second finds the row no longer expired.
        this.takeOverExpired = "UPDATE " + table + " SET state = ?, claimed_by = ?, expires_at = ?"
            + " WHERE message_key = ? AND expires_at < ?";
        // MySQL: a locking read sees the newest committed row even inside a REPEATABLE READ transaction, whose
        // plain reads would keep an older snapshot.
        this.read = "SELECT state, expires_at FROM " + table + " WHERE message_key = ?"
            + (postgres ? "" : " LOCK IN SHARE MODE");
        this.markDone = postgres
            ? "INSERT INTO " + table + " " + columns + " ON CONFLICT (message_key) DO UPDATE SET"
                + " state = EXCLUDED.state, claimed_by = EXCLUDED.claimed_by, expires_at = EXCLUDED.expires_at"
            : "INSERT INTO " + table + " " + columns + " ON DUPLICATE KEY UPDATE"
                + " state = VALUES(state), claimed_by = VALUES(claimed_by), expires_at = VALUES(expires_at)";
        this.releaseClaim = "DELETE FROM " + table + " WHERE message_key = ? AND state = '" + CLAIMED + "'"
            + " AND claimed_by = ?";
    }

    SqlDialect dialect() {
        return dialect;
    }

    String table() {
        return table;
    }

    /** The table and its index on {@code expires_at}, created only if missing. */
    List<String> createTable() {
        String index = indexName();
        if (dialect == SqlDialect.POSTGRESQL) {
            return List.of(
                "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                    + "    message_key VARCHAR(255) NOT NULL PRIMARY KEY,\n"
                    + "    state       CHAR(1)      NOT NULL,\n"
                    + "    claimed_by  VARCHAR(64)  NOT NULL,\n"
                    + "    expires_at  BIGINT       NOT NULL\n"
                    + ")",
                "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (expires_at)");
        }
        // utf8mb4_bin: keys compare byte for byte; MySQL's default collations would take "A" and "a" for one key.
        return List.of(
            "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    message_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,\n"
                + "    state       CHAR(1)      NOT NULL,\n"
                + "    claimed_by  VARCHAR(64)  NOT NULL,\n"
                + "    expires_at  BIGINT       NOT NULL,\n"
                + "    INDEX " + index + " (expires_at)\n"
                + ") ENGINE = InnoDB");
    }

    /** Reads nothing, but fails if the table is missing. */
    String probe() {
        return "SELECT message_key FROM " + table + " WHERE 1 = 0";
    }

    /** Parameters: key, state, claimed_by, expires_at. Updates 1 row if inserted, 0 if the key has a row. */
    String insertIfAbsent() {
        return insertIfAbsent;
    }

    /** Parameters: state, claimed_by, expires_at, key, now. Updates 1 row if the key's row had expired. */
    String takeOverExpired() {
        return takeOverExpired;
    }

    /** Parameter: key. Returns its row's state and expires_at, if it has a row. */
    String read() {
        return read;
    }

    /** Parameters: key, state ({@link #DONE}), claimed_by, expires_at: inserts or overwrites the key's row. */
    String markDone() {
        return markDone;
    }

    /** Parameters: key, claimed_by. Deletes the key's row if it is a claim of that holder. */
    String releaseClaim() {
        return releaseClaim;
    }

    /**
     * Deletes at most {@code limit} rows expired before {@code now}, as one short statement: each batch locks only
     * the rows it deletes, never the table. The expiry is checked again on the row the delete finds (PostgreSQL),
     * or the delete reads the newest row (MySQL), so a row taken over since it was selected is kept.
     */
    int deleteExpired(Connection connection, long now, int limit) throws SQLException {
        if (dialect == SqlDialect.POSTGRESQL) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE message_key IN (SELECT message_key FROM " + table + " WHERE expires_at < ? LIMIT ?)"
                + " AND expires_at < ?")) {
                delete.setLong(1, now);
                delete.setInt(2, limit);
                delete.setLong(3, now);
                return delete.executeUpdate();
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
            + " WHERE expires_at < ? ORDER BY expires_at LIMIT ?")) {
            delete.setLong(1, now);
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    /** {@code <table>_expires_at}, without the schema: both databases put an index in its table's schema. */
    private String indexName() {
        return table.substring(table.lastIndexOf('.') + 1) + "_expires_at";
    }
}
