package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkDelayTest {

    private static final int PULL = 128;

    @Test
    void withNothingToCopyTheHeartbeatSaysHowFarBehind() {
        assertThat(LinkDelay.of(new LinkProgress(0, 0, 0), 4, 500, PULL)).isEqualTo(4);
    }

    @Test
    void aMessageOnItsWayIsNotADelayWhileTheLinkKeepsUp() {
        // At a low rate the last copied message was stored 180 ms ago, one is in flight: the link keeps up.
        assertThat(LinkDelay.of(new LinkProgress(1, 180, 1), 3, 800, PULL)).isEqualTo(3);
    }

    @Test
    void moreUnreadThanOnePullTakesIsABacklog() {
        assertThat(LinkDelay.of(new LinkProgress(5_000, 2_400, 1_250), 3, 800, PULL)).isEqualTo(2_400);
    }

    @Test
    void heartbeatsThatStoppedComingThroughBringTheAgeBack() {
        assertThat(LinkDelay.of(new LinkProgress(3, 7_000, 0), 3, 6_000, PULL)).isEqualTo(7_000);
    }

    @Test
    void beforeTheFirstHeartbeatTheAgeStands() {
        assertThat(LinkDelay.of(new LinkProgress(2, 40, 2), -1, -1, PULL)).isEqualTo(40);
        assertThat(LinkDelay.of(new LinkProgress(0, 0, 0), -1, -1, PULL)).isZero();
    }
}
