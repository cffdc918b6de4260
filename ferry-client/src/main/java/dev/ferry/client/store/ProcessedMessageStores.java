package dev.ferry.client.store;

import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Creates the stores of processed message keys that come with Ferry's client.
 *
 * <pre>{@code
 * ProcessedMessages inMemory = ProcessedMessageStores.inMemory().maxEntries(200_000).build();
 * ProcessedMessages onDisk = ProcessedMessageStores.rocksDb(Path.of("/var/lib/orders/processed"))
 *     .retention(Duration.ofDays(3))
 *     .open();
 * JdbcProcessedMessages shared = ProcessedMessageStores.jdbc(dataSource)
 *     .table("billing_processed_messages")
 *     .build();
 * }</pre>
 */
public final class ProcessedMessageStores {

    private ProcessedMessageStores() {
    }

    /** A bounded store in this process's memory; forgets everything when the process ends. */
    public static InMemoryStoreBuilder inMemory() {
        return new InMemoryStoreBuilder();
    }

    /** A store in the RocksDB database in {@code dir} (created if missing); processed keys survive restarts. */
    public static RocksDbStoreBuilder rocksDb(Path dir) {
        return new RocksDbStoreBuilder(Objects.requireNonNull(dir, "dir"));
    }

    /**
     * A store in a table of the database behind {@code dataSource} (PostgreSQL or MySQL), shared by every process
     * that reaches it, with claims that hold across processes and the transactional mark
     * ({@link JdbcProcessedMessages#processOnce}). The application brings the JDBC driver, and a pooled
     * {@code DataSource}: the store borrows a connection for every operation.
     */
    public static JdbcStoreBuilder jdbc(DataSource dataSource) {
        return new JdbcStoreBuilder(Objects.requireNonNull(dataSource, "dataSource"));
    }
}
