package dev.ferry.bench;

import java.util.Arrays;

/**
 * How long copies took, one figure per message: from the source's store time to the target's store time.
 * Percentiles by the nearest rank (p99 of 100 figures is the 99th smallest), and a histogram over fixed
 * millisecond buckets for the chart.
 *
 * @param bucketUpperMillis the buckets' upper bounds (inclusive); the last is open
 * @param bucketCounts      how many figures fall in each bucket
 */
public record Delays(long count, long p50, long p90, long p99, long p999, long max, long[] bucketUpperMillis,
              long[] bucketCounts) {

    static final long[] BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, Long.MAX_VALUE};

    static Delays of(long[] millis) {
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        long[] counts = new long[BUCKETS.length];
        for (long value : sorted) {
            int bucket = 0;
            while (value > BUCKETS[bucket]) {
                bucket++;
            }
            counts[bucket]++;
        }
        return new Delays(sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99),
            rank(sorted, 0.999), sorted.length == 0 ? 0 : sorted[sorted.length - 1], BUCKETS.clone(), counts);
    }

    /** The nearest-rank percentile: the smallest figure that at least {@code p} of all are at or below. */
    static long rank(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
