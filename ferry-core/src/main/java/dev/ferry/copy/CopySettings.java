package dev.ferry.copy;

/**
 * How a link reads and writes: batch sizes, the memory it may hold, timeouts. The defaults suit a
 * loopback benchmark and a cross-region link alike; see docs/benchmarks.md for how they were chosen.
 *
 * @param batchMessages       most messages handed to one send batch (and pulled in one request)
 * @param batchBytes          most encoded bytes in one send batch; lowered to the target's maxMessageSize
 * @param maxInFlightMiB      most message bytes a link holds between pull and acknowledged send
 * @param sendTimeoutMillis   one send attempt's timeout
 * @param retryMaxDelayMillis the longest wait between two attempts at a send the target did not take
 * @param blockedRetryMillis  how often a queue blocked by a refused message (onError: block) tries again
 * @param commitIntervalMillis how often committed source offsets are written to the source broker: a crash
 *                            re-copies at most this much (plus what was in flight)
 */
public record CopySettings(int batchMessages, int batchBytes, int maxInFlightMiB, long sendTimeoutMillis,
                           long retryMaxDelayMillis, long blockedRetryMillis, int commitIntervalMillis) {

    public static final CopySettings DEFAULT = new CopySettings(128, 1024 * 1024, 64, 3_000, 5_000, 10_000, 1_000);

    public CopySettings withCommitIntervalMillis(int millis) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeoutMillis, retryMaxDelayMillis,
            blockedRetryMillis, millis);
    }

    public CopySettings withMaxInFlightMiB(int mib) {
        return new CopySettings(batchMessages, batchBytes, mib, sendTimeoutMillis, retryMaxDelayMillis,
            blockedRetryMillis, commitIntervalMillis);
    }

    public CopySettings withBlockedRetryMillis(long millis) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeoutMillis, retryMaxDelayMillis,
            millis, commitIntervalMillis);
    }
}
