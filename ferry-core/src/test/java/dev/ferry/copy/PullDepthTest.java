package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How many pulls a queue keeps out: enough for a round trip at the copier's pace, found from below. */
class PullDepthTest {

    private static final long MS = 1_000_000;

    private long now;

    @Test
    void startsWithTwoPulls() {
        assertThat(new PullDepth(32).depth()).isEqualTo(PullDepth.LEAST);
        assertThat(new PullDepth(1).depth()).as("never fewer than two while reading ahead").isEqualTo(2);
    }

    @Test
    void acrossARegionItDeepensEachRoundTripUntilTheMost() {
        assertThat(deepened(new PullDepth(32), 6)).as("2 x depth + 1 each round trip, up to the most")
            .containsExactly(5, 11, 23, 32, 32, 32);
    }

    @Test
    void aPaceTheRoundTripCoversStaysAtTwo() {
        PullDepth depth = new PullDepth(32);
        depth.pulled(MS, 32);
        depth.taken(0, now);
        for (int i = 0; i < 100; i++) {
            now += MS / 2;
            depth.taken(4, now); // 8 offsets a millisecond: one pull a round trip is four times what is needed
        }
        assertThat(depth.depth()).isEqualTo(2);
    }

    @Test
    void itSettlesWhereTheCopierSetsThePace() {
        PullDepth depth = new PullDepth(64);
        depth.pulled(50 * MS, 32);
        depth.taken(0, now);
        for (int i = 0; i < 40; i++) {
            now += 50 * MS;
            // The copier takes at most 9 offsets a millisecond, whatever is read ahead.
            depth.taken(Math.min(depth.depth() * 32L, 450), now);
        }
        assertThat(depth.depth()).as("2 x 50 ms x 9/ms / 32 + 1, rounded up").isEqualTo(30);
    }

    @Test
    void aSlowerPaceShrinksItOnePullAtATime() {
        PullDepth depth = new PullDepth(32);
        assertThat(deepened(depth, 5)).endsWith(32);
        now += 50 * MS;
        depth.taken(0, now); // the copier paused (a slow target)
        assertThat(depth.depth()).isEqualTo(31);
        now += 50 * MS;
        depth.taken(0, now);
        assertThat(depth.depth()).isEqualTo(30);
    }

    @Test
    void aPaceIsMeasuredOverARoundTripAndAfreshAfterIdling() {
        PullDepth depth = new PullDepth(32);
        depth.pulled(50 * MS, 32);
        depth.taken(0, now);
        now += 10 * MS;
        depth.taken(10_000, now);
        assertThat(depth.depth()).as("a burst shorter than a round trip sets nothing yet").isEqualTo(2);

        depth.idle();
        now += 100 * MS;
        depth.taken(10_000, now);
        assertThat(depth.depth()).as("the first take after idling only starts the measure").isEqualTo(2);
        now += 50 * MS;
        depth.taken(64, now);
        assertThat(depth.depth()).isEqualTo(5);
    }

    /**
     * A queue 50 ms away whose pace the supply sets: each round trip the copier takes all that the pulls out
     * brought. The depths after each round trip.
     */
    private List<Integer> deepened(PullDepth depth, int roundTrips) {
        depth.pulled(50 * MS, 32);
        depth.taken(0, now); // starts the measure
        List<Integer> depths = new ArrayList<>();
        for (int roundTrip = 0; roundTrip < roundTrips; roundTrip++) {
            now += 50 * MS;
            depth.taken(depth.depth() * 32L, now);
            depths.add(depth.depth());
        }
        return depths;
    }
}
