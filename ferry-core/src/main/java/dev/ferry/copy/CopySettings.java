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
 * @param checkpointIntervalMillis how often consumer groups' progress is translated to the target: after a
 *                            failover a group re-reads at most about this much traffic
 */
public record CopySettings(int batchMessages, int batchBytes, int maxInFlightMiB, long sendTimeoutMillis,
                           long retryMaxDelayMillis, long blockedRetryMillis, int commitIntervalMillis,
                           long checkpointIntervalMillis) {

    public static final CopySettings DEFAULT =
        new CopySettings(128, 1024 * 1024, 64, 3_000, 5_000, 10_000, 1_000, 5_000);

    public CopySettings withCheckpointIntervalMillis(long millis) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeoutMillis, retryMaxDelayMillis,
            blockedRetryMillis, commitIntervalMillis, millis);
    }

    public CopySettings withCommitIntervalMillis(int millis) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeoutMillis, retryMaxDelayMillis,
            blockedRetryMillis, millis, checkpointIntervalMillis);
    }

    public CopySettings withMaxInFlightMiB(int mib) {
        return new CopySettings(batchMessages, batchBytes, mib, sendTimeoutMillis, retryMaxDelayMillis,
            blockedRetryMillis, commitIntervalMillis, checkpointIntervalMillis);
    }

    public CopySettings withBlockedRetryMillis(long millis) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, sendTimeoutMillis, retryMaxDelayMillis,
            millis, commitIntervalMillis, checkpointIntervalMillis);
    }
}
