package dev.ferry.client.store;

import dev.ferry.client.ProcessedMessages;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Settings of a RocksDB store of processed message keys; {@link #open()} opens it. */
public final class RocksDbStoreBuilder {

    /**
     * RocketMQ brokers keep messages 72 hours by default ({@code fileReservedTime}), so no redelivery, nor a
     * Ferry re-copy from a source broker, can bring back a message older than that.
     */
    static final Duration DEFAULT_RETENTION = Duration.ofHours(72);
    static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final Path dir;
    private Duration retention = DEFAULT_RETENTION;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private boolean syncWrites;
    private Clock clock = Clock.systemUTC();

    RocksDbStoreBuilder(Path dir) {
        this.dir = dir;
    }

    /**
     * How long a processed key is remembered (default 72 hours, RocketMQ's default message retention): set it
     * at least as long as a duplicate can still arrive, which is the source brokers' retention for Ferry.
     */
    public RocksDbStoreBuilder retention(Duration retention) {
        this.retention = Checks.positive("retention", retention);
        return this;
    }

    /**
     * How often expired keys are deleted from disk (default every minute). Expired keys count as unknown
     * from the moment they expire, whether deleted yet or not.
     */
    public RocksDbStoreBuilder sweepInterval(Duration sweepInterval) {
        this.sweepInterval = Checks.positive("sweepInterval", sweepInterval);
        return this;
    }

    /**
     * Whether {@code done} waits until the key is on disk (fsync), so that it survives a machine crash or
     * power loss, not only a process crash (default false: a process crash loses nothing either way).
     */
    public RocksDbStoreBuilder syncWrites(boolean syncWrites) {
        this.syncWrites = syncWrites;
        return this;
    }

    /** The clock that dates processed keys (default UTC system time); tests pass their own. */
    public RocksDbStoreBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Opens (or creates) the database. One process at a time can hold it: a second open of the same folder
     * fails until the first store is closed.
     *
     * @throws IllegalStateException if the database cannot be opened
     */
    public ProcessedMessages open() {
        return RocksDbProcessedMessages.open(dir, retention, sweepInterval, syncWrites, clock);
    }
}
