package dev.ferry.client.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates the stores of processed message keys that come with Ferry's client.
 *
 * <pre>{@code
 * ProcessedMessages inMemory = ProcessedMessageStores.inMemory().maxEntries(200_000).build();
 * ProcessedMessages onDisk = ProcessedMessageStores.rocksDb(Path.of("/var/lib/orders/processed"))
 *     .retention(Duration.ofDays(3))
 *     .open();
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
}
