package dev.ferry.client.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the JDBC store checks once, when it is built: which dialect, and that the table is there. */
final class JdbcTableSetup {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTableSetup.class);

    private JdbcTableSetup() {
    }

    /** The dialect {@code dialect} if chosen (non-null), else the one the database's product name says. */
    static SqlDialect dialect(Connection connection, SqlDialect chosen) throws SQLException {
        if (chosen != null) {
            return chosen;
        }
        String product = connection.getMetaData().getDatabaseProductName();
        String lower = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (lower.contains("postgres")) {
            return SqlDialect.POSTGRESQL;
        }
        if (lower.contains("mysql") || lower.contains("mariadb")) {
            return SqlDialect.MYSQL;
        }
        throw new IllegalStateException("the JDBC store speaks PostgreSQL and MySQL, and the database says it is '"
            + product + "': if it speaks one of them, choose it with dialect(SqlDialect...)");
    }

    /**
     * Creates the table if asked and missing, then checks that it can be read.
     *
     * <p>Several processes starting at once may all create it: PostgreSQL's {@code IF NOT EXISTS} is not safe
     * against a concurrent {@code CREATE} (it can fail on a duplicate catalog entry), so a failed create is
     * forgiven when the table is there afterwards.
     */
    static void prepare(DataSource dataSource, JdbcSql sql, boolean create) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            SQLException createFailure = null;
            if (create) {
                try (Statement statement = connection.createStatement()) {
                    for (String ddl : sql.createTable()) {
                        statement.execute(ddl);
                    }
                } catch (SQLException e) {
                    createFailure = e;
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery(sql.probe()).close();
            } catch (SQLException e) {
                if (createFailure != null) {
                    e.addSuppressed(createFailure);
                }
                throw new IllegalStateException("cannot read the table " + sql.table() + " of processed messages"
                    + (create ? " (and creating it failed)" : ": create it (see the ferry-client README for its DDL)"
                    + " or let the store create it, createTable(true)") + ": " + e.getMessage(), e);
            }
            if (createFailure != null) {
                LOG.debug("Creating {} failed, but it exists (created concurrently?): {}", sql.table(),
                    createFailure.getMessage());
            }
        }
    }
}
