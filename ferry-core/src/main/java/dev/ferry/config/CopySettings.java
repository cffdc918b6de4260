package dev.ferry.config;

import java.time.Duration;

/**
 * How every link reads and writes: batch sizes, the memory it may hold, timeouts. The file's {@code copy}
 * section (each key optional; see docs/contract.md). The defaults suit a loopback benchmark and a cross-region
 * link alike; see docs/benchmarks.md for how they were chosen. Each value is checked against limits here, so
 * that a typo cannot starve a link or exhaust the heap, whoever builds the settings.
 *
 * @param batchMessages  most messages handed to the copier at once, and sent in one batch (a batch is cut sooner by
 *                       {@code batchBytes}); 1 to 1024, RocketMQ's own limit and the default. A queue has one send
 *                       in flight (a second could be stored before the first), so across a region each round trip
 *                       carries one batch: with a target 50 ms away, batches of 512 copied at 80% of the loopback
 *                       rate, of 1024 at 97%, for the same CPU (docs/benchmarks.md). A send the target stores but
 *                       answers too late is read back from the target (exactly-once) or sent again (at-least-once:
 *                       as many possible duplicates as the batch holds)
 * @param batchBytes     most encoded bytes in one send batch; lowered to the target's maxMessageSize (4 MiB, the
 *                       broker's default, is the default); 1 KiB to 16 MiB
 * @param maxInFlightMiB most message bytes (MiB) a link holds between pull and acknowledged send; 1 to 16384
 * @param sendTimeout    one send attempt's timeout; 100ms to 1m
 * @param retryMaxDelay  the longest wait between two attempts at a send the target did not take; 100ms to 10m
 * @param blockedRetry   how often a queue blocked by a refused message (onError: block) tries again; 100ms to 1h
 * @param commitInterval how often committed source offsets are written to the source broker: a crash re-copies at
 *                       most this much (plus what was in flight); 100ms to 5m
 * @param pullsInFlight  most pulls a queue has out at once while it has a backlog: across a region each pull takes a
 *                       round trip and brings at most 32 messages (8 from disk). A queue keeps as many out as a round
 *                       trip needs at the pace it is copied (few on loopback), up to this; 1 (one at a time, as
 *                       RocketMQ's consumer) to 64
 * @param sendConnections how many connections a link's sends to each target broker spread over (a producer client
 *                       each; a source queue's sends all take one). One TCP connection carries at most its window per
 *                       round trip, and a queue's batch waits for its answer: across a region, batches of several
 *                       queues sent at once queue behind each other in one window. 1 (RocketMQ's client: one
 *                       connection per broker) to 16
 * @throws InvalidConfigException naming the key out of its range
 */
public record CopySettings(int batchMessages, int batchBytes, int maxInFlightMiB, Duration sendTimeout,
                           Duration retryMaxDelay, Duration blockedRetry, Duration commitInterval, int pullsInFlight,
                           int sendConnections) {

    /** The shortest of every interval and timeout: less would only busy the brokers. (Before DEFAULT, which uses it.) */
    private static final Duration SHORTEST = Duration.ofMillis(100);

    public static final CopySettings DEFAULT = new CopySettings(1024, 4 * 1024 * 1024, 64, Duration.ofSeconds(3),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 32, 2);

    public CopySettings {
        Limits.within("batchMessages", batchMessages, 1, 1024);
        Limits.within("batchBytes", batchBytes, 1024, 16 * 1024 * 1024);
        Limits.within("maxInFlightMiB", maxInFlightMiB, 1, 16 * 1024);
        Limits.within("sendTimeout", sendTimeout, SHORTEST, Duration.ofMinutes(1));
        Limits.within("retryMaxDelay", retryMaxDelay, SHORTEST, Duration.ofMinutes(10));
        Limits.within("blockedRetry", blockedRetry, SHORTEST, Duration.ofHours(1));
        Limits.within("commitInterval", commitInterval, SHORTEST, Duration.ofMinutes(5));
        Limits.within("pullsInFlight", pullsInFlight, 1, 64);
        Limits.within("sendConnections", sendConnections, 1, 16);
    }

    public CopySettings withMaxInFlightMiB(int mib) {
        return new CopySettings(batchMessages, batchBytes, mib, sendTimeout, retryMaxDelay, blockedRetry,
            commitInterval, pullsInFlight, sendConnections);
    }

    public CopySettings withBlockedRetry(Duration every) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeout, retryMaxDelay, every,
            commitInterval, pullsInFlight, sendConnections);
    }

    public CopySettings withPullsInFlight(int pulls) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeout, retryMaxDelay, blockedRetry,
            commitInterval, pulls, sendConnections);
    }
}
