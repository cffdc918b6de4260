package dev.ferry.client.store;

import dev.ferry.client.Claim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Takes a key's row in the table, for a claim or for a mark inside the application's transaction: the one
 * algorithm both use, so that a claim and a transactional mark of the same key exclude each other.
 *
 * <pre>
 *   INSERT if absent ──inserted──▶ NEW (the caller's row)
 *        │ a row exists (an uncommitted insert of it is waited for)
 *        ▼
 *   SELECT ──live 'D'──▶ DONE    ──live 'C'──▶ BUSY    ──gone (released, cleaned up meanwhile)──▶ start again
 *        │ expired
 *        ▼
 *   UPDATE if expired ──taken──▶ NEW (an expired claim or done key counts as absent)
 *        │ someone else took it meanwhile ──▶ start again
 * </pre>
 *
 * The decisions rest on statements the database makes atomic per row: of concurrent inserts of one key the
 * primary key admits one, and of concurrent take-overs the row lock and the {@code expires_at} condition,
 * re-checked on the newest row, admit one. The read in between only chooses which statement comes next; the
 * update does not trust it. Reading before updating also keeps the common case, a live duplicate, from asking
 * for a write lock: in MySQL two transactions upgrading their shared locks on one row would deadlock.
 */
final class KeyRows {

    /** A row vanishing between our statements twice in a row is rare; the caller may then just try later. */
    private static final int ATTEMPTS = 3;

    private final JdbcSql sql;
    /** Who claims: one value per store instance, so that it releases only its own claims. */
    private final String holder;

    KeyRows(JdbcSql sql, String holder) {
        this.sql = sql;
        this.holder = holder;
    }

    String holder() {
        return holder;
    }

    /**
     * Takes {@code key}'s row in {@code state} ({@link JdbcSql#CLAIMED} or {@link JdbcSql#DONE}) until
     * {@code expiresAt}, unless a live row has it.
     *
     * @return NEW if the caller's connection now has the row, DONE or BUSY for a live done or claimed row
     */
    Claim take(Connection connection, String key, String state, long now, long expiresAt) throws SQLException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (insertIfAbsent(connection, key, state, expiresAt)) {
                return Claim.NEW;
            }
            try (PreparedStatement read = connection.prepareStatement(sql.read())) {
                read.setString(1, key);
                try (ResultSet row = read.executeQuery()) {
                    if (!row.next()) {
                        continue;
                    }
                    if (row.getLong(2) >= now) {
                        return JdbcSql.DONE.equals(row.getString(1)) ? Claim.DONE : Claim.BUSY;
                    }
                }
            }
            if (takeOverExpired(connection, key, state, now, expiresAt)) {
                return Claim.NEW;
            }
        }
        return Claim.BUSY;
    }

    /** Inserts or overwrites {@code key}'s row as done until {@code expiresAt}. */
    void markDone(Connection connection, String key, long expiresAt) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(sql.markDone())) {
            bindRow(upsert, key, JdbcSql.DONE, expiresAt);
            upsert.executeUpdate();
        }
    }

    /** Deletes {@code key}'s row if it is this holder's claim; leaves a done key and others' claims alone. */
    void release(Connection connection, String key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql.releaseClaim())) {
            delete.setString(1, key);
            delete.setString(2, holder);
            delete.executeUpdate();
        }
    }

    private boolean insertIfAbsent(Connection connection, String key, String state, long expiresAt)
        throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql.insertIfAbsent())) {
            bindRow(insert, key, state, expiresAt);
            return insert.executeUpdate() == 1;
        }
    }

    private boolean takeOverExpired(Connection connection, String key, String state, long now, long expiresAt)
        throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql.takeOverExpired())) {
            update.setString(1, state);
            update.setString(2, holder);
            update.setLong(3, expiresAt);
            update.setString(4, key);
            update.setLong(5, now);
            return update.executeUpdate() == 1;
        }
    }

    private void bindRow(PreparedStatement statement, String key, String state, long expiresAt) throws SQLException {
        statement.setString(1, key);
        statement.setString(2, state);
        statement.setString(3, holder);
        statement.setLong(4, expiresAt);
    }

    /** Rejects keys the table cannot hold, before the database would (MySQL's IGNORE would truncate them). */
    static String check(String key) {
        Checks.key(key);
        if (key.length() > JdbcSql.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be at most " + JdbcSql.MAX_KEY_LENGTH + " characters, not "
                + key.length() + ": " + key.substring(0, 40) + "...");
        }
        return key;
    }
}
