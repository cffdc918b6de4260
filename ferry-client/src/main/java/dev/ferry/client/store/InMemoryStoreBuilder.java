package dev.ferry.client.store;

import dev.ferry.client.ProcessedMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Settings of an in-memory store of processed message keys; {@link #build()} creates it. */
public final class InMemoryStoreBuilder {

    /** Message IDs with their bookkeeping take on the order of 15 MB of heap at this size. */
    static final int DEFAULT_MAX_ENTRIES = 100_000;

    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private Duration retention;
    private Clock clock = Clock.systemUTC();

    InMemoryStoreBuilder() {
    }

    /**
     * How many processed keys the store keeps at most (default 100,000); past that it forgets the oldest.
     * In-progress claims do not count: there are at most as many as messages being processed.
     */
    public InMemoryStoreBuilder maxEntries(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
        }
        this.maxEntries = maxEntries;
        return this;
    }

    /** How long a processed key is remembered at most; by default until {@link #maxEntries} pushes it out. */
    public InMemoryStoreBuilder retention(Duration retention) {
        this.retention = Checks.positive("retention", retention);
        return this;
    }

    /** The clock that dates processed keys (default UTC system time); tests pass their own. */
    public InMemoryStoreBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public ProcessedMessages build() {
        return new InMemoryProcessedMessages(maxEntries, retention, clock);
    }
}
