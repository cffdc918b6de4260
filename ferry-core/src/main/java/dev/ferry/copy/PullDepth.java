package dev.ferry.copy;

/**
 * How many pulls one source queue keeps out while it has a backlog: as many as cover a pull's round trip at the
 * pace its copier takes messages (the queue's bandwidth-delay product, counted in pulls), twice over, and no more.
 * Pure arithmetic on what {@link ReadAheadLane} measures; not thread-safe, its owner locks.
 *
 * <pre>
 *   depth = 2 x roundTrip x pace / perPull + 1, rounded up, within [2, most]
 *
 *   loopback:   roundTrip  1 ms, pace  9 offsets/ms, perPull 32  -&gt;  2   (what is pulled is taken at once)
 *   a region:   roundTrip 50 ms, pace  9 offsets/ms, perPull 32  -&gt; 30   (a pull's answer lands as one is taken)
 * </pre>
 *
 * <p>Why it finds the right depth without knowing the pace beforehand: while too few pulls are out, the copier
 * takes only what they bring, {@code pace = depth x perPull / roundTrip}, so the formula asks for {@code 2 x depth
 * + 1}: the queue deepens each round trip until the copier, not the round trip, sets the pace; then the pace stops
 * growing, and so does the depth. It grows at once and shrinks by one pull per measure, so a pause of the copier
 * (a slow target, flow control) does not empty the pipe a round trip before the copier wants it full again.
 *
 * <p>Why not always the most: what is read ahead sits on the heap until it is taken. Across a region that is
 * what keeps the pipe full; on loopback, where an answer comes back before the copier wants the next, it buys
 * nothing (docs/benchmarks.md, "Reading ahead by the round trip").
 */
final class PullDepth {

    /** The fewest pulls out while reading ahead: one being answered while the other is taken. */
    static final int LEAST = 2;
    /** A pace is measured over at least this long (and a round trip): shorter would count bursts, not a pace. */
    private static final long LEAST_MEASURE_NANOS = 2_000_000;

    private final int most;
    private int depth = LEAST;
    /** The last pull's round trip; -1 until one is known. */
    private long roundTripNanos = -1;
    /** Offsets one pull reaches, as last seen. */
    private long perPull;
    /** Since when offsets taken are counted for the pace being measured; -1 when not measuring (not streaming). */
    private long measureFromNanos = -1;
    private long offsetsTaken;

    /** @param most the most pulls out at once ({@code copy.pullsInFlight}); at least {@link #LEAST} */
    PullDepth(int most) {
        this.most = Math.max(LEAST, most);
    }

    /** The pulls to keep out now. */
    int depth() {
        return depth;
    }

    /** A pull answered by the broker at once (not held) took {@code nanos}, and reached {@code offsets} further. */
    void pulled(long nanos, long offsets) {
        if (nanos >= 0) {
            roundTripNanos = nanos;
        }
        if (offsets > 0) {
            perPull = offsets;
        }
    }

    /** The copier took {@code offsets} more of the queue at {@code nowNanos}; now and then, the depth is set again. */
    void taken(long offsets, long nowNanos) {
        if (measureFromNanos < 0) {
            measureFromNanos = nowNanos;
            offsetsTaken = 0;
            return; // the first take starts the measure: its offsets were pulled before it
        }
        offsetsTaken += offsets;
        long elapsed = nowNanos - measureFromNanos;
        if (roundTripNanos < 0 || perPull <= 0 || elapsed < Math.max(roundTripNanos, LEAST_MEASURE_NANOS)) {
            return;
        }
        double pace = (double) offsetsTaken / elapsed;
        int wanted = (int) Math.min(most, Math.ceil(2.0 * roundTripNanos * pace / perPull) + 1);
        depth = wanted >= depth ? Math.max(LEAST, wanted) : Math.max(LEAST, depth - 1);
        measureFromNanos = nowNanos;
        offsetsTaken = 0;
    }

    /** The queue is caught up, or read anew: the next pace is measured afresh (the depth and round trip are kept). */
    void idle() {
        measureFromNanos = -1;
    }
}
