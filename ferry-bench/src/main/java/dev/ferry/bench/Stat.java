package dev.ferry.bench;

/**
 * One sample of the Ferry under test, as its child JVM prints it on a line of its own.
 *
 * @param copied        messages copied since start, every link
 * @param backlog       messages on the sources not yet copied
 * @param inFlightBytes message bytes pulled and not yet acknowledged by the target
 * @param heapUsed      bytes of heap in use
 * @param cpuNanos      CPU time of the whole JVM since start
 * @param rss           resident memory, bytes (-1 where unknown)
 * @param peakRss       the highest resident memory so far, bytes (-1 where unknown)
 */
record Stat(long time, long copied, long backlog, long inFlightBytes, long heapUsed, long cpuNanos, long rss,
            long peakRss) {

    static final String PREFIX = "FERRY-BENCH-STAT ";
    static final String READY = "FERRY-BENCH-READY";

    String line() {
        return PREFIX + time + " " + copied + " " + backlog + " " + inFlightBytes + " " + heapUsed + " " + cpuNanos
            + " " + rss + " " + peakRss;
    }

    /** The stat of a line, or null when the line is not one. */
    static Stat parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return null;
        }
        String[] f = line.substring(PREFIX.length()).strip().split(" ");
        if (f.length != 8) {
            return null;
        }
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        return new Stat(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
}
