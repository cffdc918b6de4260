package dev.ferry.client.testing;

import dev.ferry.embedded.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server for all the tests of a test JVM, started on first use and stopped when the JVM ends
 * (by {@link LocalPostgres}'s shutdown hook): starting one costs a second or more, a fresh table per test costs
 * nothing. Tests keep apart by table name ({@link #uniqueName}).
 */
public final class TestPostgres {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static LocalPostgres server;
    private static PooledDataSource dataSource;

    private TestPostgres() {
    }

    public static synchronized LocalPostgres server() {
        if (server == null) {
            server = LocalPostgres.start(Path.of("target"));
        }
        return server;
    }

    /** A pooled data source on the server, shared by the tests of this JVM; do not close it. */
    public static synchronized PooledDataSource dataSource() {
        if (dataSource == null) {
            dataSource = newDataSource(30);
        }
        return dataSource;
    }

    /** A pool of its own, for a test that must tell its connections apart; the test closes it. */
    public static PooledDataSource newDataSource(int maxConnections) {
        LocalPostgres postgres = server();
        return PooledDataSource.connectingTo(postgres.jdbcUrl(), postgres.user(), maxConnections);
    }

    /** A table or namespace name used by no other test of this JVM: {@code prefix_<n>}. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + NAMES.incrementAndGet();
    }

    /** Runs one statement in autocommit. */
    public static void execute(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The single number a query answers ({@code SELECT count(*) ...}). */
    public static long queryLong(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            if (!result.next()) {
                throw new IllegalStateException(sql + " returned no row");
            }
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
