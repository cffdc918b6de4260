package dev.ferry.client.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Settings of a store of processed message keys in a database table; {@link #build()} creates it. */
public final class JdbcStoreBuilder {

    static final String DEFAULT_TABLE = "ferry_processed_messages";
    /** Longer than any ordinary message takes; a crashed holder's message waits this long for its takeover. */
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    /** RocketMQ's default message retention, as for the RocksDB store: no duplicate can arrive later. */
    static final Duration DEFAULT_RETENTION = RocksDbStoreBuilder.DEFAULT_RETENTION;
    static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(10);
    static final int DEFAULT_CLEANUP_BATCH_SIZE = 1_000;
    static final int MAX_CLEANUP_BATCH_SIZE = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStoreBuilder.class);
    /** An unquoted identifier, optionally schema-qualified, short enough for the index name derived from it. */
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,47}\\.)?[A-Za-z_][A-Za-z0-9_]{0,47}");

    private final DataSource dataSource;
    private String table = DEFAULT_TABLE;
    private boolean createTable = true;
    private SqlDialect dialect;
    private Duration lease = DEFAULT_LEASE;
    private Duration retention = DEFAULT_RETENTION;
    private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;
    private boolean scheduledCleanup = true;
    private int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;
    private Clock clock = Clock.systemUTC();

    JdbcStoreBuilder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The table (default {@code ferry_processed_messages}), optionally with its schema ({@code billing.processed}):
     * letters, digits and underscores, unquoted. Consumers that must see each other's processed messages share it.
     */
    public JdbcStoreBuilder table(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be an unquoted SQL name of at most 48 letters, digits"
                + " and underscores, optionally schema.table, not '" + table + "'");
        }
        this.table = table;
        return this;
    }

    /**
     * Whether {@link #build()} creates the table and its index when missing (default true). Off where the
     * application's user may not create tables: then create them beforehand with the README's DDL.
     */
    public JdbcStoreBuilder createTable(boolean createTable) {
        this.createTable = createTable;
        return this;
    }

    /** The SQL dialect; by default detected from the database's product name. */
    public JdbcStoreBuilder dialect(SqlDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        return this;
    }

    /**
     * How long a claim holds a key (default 5 minutes) before a redelivery may take it over, as if its holder had
     * crashed. Longer than the longest processing of a message: one that outlives its lease may be processed twice.
     * Applies to {@code claim} only; a transactional mark holds the key as long as its transaction runs.
     */
    public JdbcStoreBuilder lease(Duration lease) {
        this.lease = Checks.positive("lease", lease);
        return this;
    }

    /**
     * How long a processed key is remembered (default 72 hours, RocketMQ's default message retention): at least as
     * long as a duplicate can still arrive, which is the source brokers' retention for Ferry.
     */
    public JdbcStoreBuilder retention(Duration retention) {
        this.retention = Checks.positive("retention", retention);
        return this;
    }

    /**
     * How often this store deletes expired rows (default every 10 minutes). Expired rows count as absent from the
     * moment they expire, deleted or not; several processes cleaning the same table is harmless.
     */
    public JdbcStoreBuilder cleanupInterval(Duration cleanupInterval) {
        this.cleanupInterval = Checks.positive("cleanupInterval", cleanupInterval);
        return this;
    }

    /**
     * Whether this store deletes expired rows on a schedule (default true). Off to run
     * {@link JdbcProcessedMessages#deleteExpired()} yourself, from one process or a job.
     */
    public JdbcStoreBuilder scheduledCleanup(boolean scheduledCleanup) {
        this.scheduledCleanup = scheduledCleanup;
        return this;
    }

    /** How many rows one cleanup statement deletes at most (default 1,000): each batch is a short transaction. */
    public JdbcStoreBuilder cleanupBatchSize(int cleanupBatchSize) {
        if (cleanupBatchSize < 1 || cleanupBatchSize > MAX_CLEANUP_BATCH_SIZE) {
            throw new IllegalArgumentException("cleanupBatchSize must be between 1 and " + MAX_CLEANUP_BATCH_SIZE
                + ", not " + cleanupBatchSize);
        }
        this.cleanupBatchSize = cleanupBatchSize;
        return this;
    }

    /**
     * The clock that dates leases and retention (default UTC system time); tests pass their own. Every host
     * sharing the table must keep its clock close to the others' (NTP), well within the lease.
     */
    public JdbcStoreBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Connects once to learn the dialect, creates the table if asked and checks that it can be read, and starts
     * the scheduled cleanup if asked.
     *
     * @throws IllegalArgumentException if the lease is not shorter than the retention
     * @throws IllegalStateException if the database cannot be reached, speaks another dialect, or has no table
     */
    public JdbcProcessedMessages build() {
        if (lease.compareTo(retention) >= 0) {
            throw new IllegalArgumentException("lease (" + lease + ") must be shorter than retention (" + retention
                + ")");
        }
        JdbcSql sql;
        try {
            try (Connection connection = dataSource.getConnection()) {
                sql = new JdbcSql(JdbcTableSetup.dialect(connection, dialect), table);
            }
            JdbcTableSetup.prepare(dataSource, sql, createTable);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up processed messages in table " + table + ": "
                + e.getMessage(), e);
        }
        ExpiredRows expired = new ExpiredRows(dataSource, sql, clock, cleanupBatchSize);
        if (scheduledCleanup) {
            expired.schedule(cleanupInterval);
        }
        String holder = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        JdbcStore store = new JdbcStore(dataSource, sql, holder, lease, retention, clock, expired);
        LOG.info("Processed messages in {} table {}: lease {}, retention {}, cleanup {}", sql.dialect(), table, lease,
            retention, scheduledCleanup ? "every " + cleanupInterval : "by the application");
        return store;
    }
}
