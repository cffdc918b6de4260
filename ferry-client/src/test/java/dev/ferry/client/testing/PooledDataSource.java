package dev.ferry.client.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The smallest connection pool that lets the tests run thousands of store operations: connections are opened
 * through {@link DriverManager} on demand, up to a maximum, and closing one hands it back (rolled back, in
 * autocommit) for reuse. Applications use a real pool (HikariCP, their framework's); the JDBC store borrows a
 * connection for every operation, which without a pool would open one each time.
 */
public final class PooledDataSource implements DataSource, AutoCloseable {

    private final String url;
    private final String user;
    private final Semaphore permits;
    private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();

    /** A pool of at most {@code maxConnections} connections to {@code url}, as {@code user} without a password. */
    public static PooledDataSource connectingTo(String url, String user, int maxConnections) {
        return new PooledDataSource(url, user, maxConnections);
    }

    private PooledDataSource(String url, String user, int maxConnections) {
        this.url = url;
        this.user = user;
        this.permits = new Semaphore(maxConnections);
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new SQLException("no connection free in the test pool for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", e);
        }
        try {
            Connection physical = idle.poll();
            if (physical == null || physical.isClosed()) {
                physical = DriverManager.getConnection(url, user, "");
            }
            return borrowed(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection borrowed(Connection physical) {
        AtomicBoolean returned = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(PooledDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                if ("close".equals(method.getName())) {
                    if (returned.compareAndSet(false, true)) {
                        giveBack(physical);
                    }
                    return null;
                }
                if ("isClosed".equals(method.getName())) {
                    return returned.get() || physical.isClosed();
                }
                if (returned.get()) {
                    throw new SQLException("connection already handed back to the pool");
                }
                try {
                    return method.invoke(physical, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    private void giveBack(Connection physical) {
        try {
            if (!physical.isClosed()) {
                if (!physical.getAutoCommit()) {
                    physical.rollback();
                    physical.setAutoCommit(true);
                }
                idle.add(physical);
            }
        } catch (SQLException e) {
            closeQuietly(physical);
        } finally {
            permits.release();
        }
    }

    /** Closes the idle connections; those still borrowed close when the JVM ends. */
    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // going away anyway
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the test pool connects as one user");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
