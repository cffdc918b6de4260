package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatCheckTest {

    private static final long START = 1_000_000;

    @Test
    void aLinkWhoseHeartbeatsComeThroughIsNotStalled() {
        long now = START + 60_000;
        assertThat(HeartbeatCheck.stalled(now, START, now - 500, now - 400, true)).isNull();
    }

    @Test
    void heartbeatsWrittenButNotCopiedForLongerThanTheLimitStallTheLink() {
        long now = START + 60_000;
        assertThat(HeartbeatCheck.stalled(now, START, now - 500, now - 11_000, true))
            .isEqualTo("no heartbeat copied for 11 s, though the source takes one every second");
        assertThat(HeartbeatCheck.stalled(now, START, now - 500, now - HeartbeatCheck.STALL_MILLIS, true)).isNull();
    }

    @Test
    void aNewLinkGetsTheLimitBeforeItsFirstHeartbeatIsExpected() {
        assertThat(HeartbeatCheck.stalled(START + 9_000, START, START + 8_500, 0, true)).isNull();
        assertThat(HeartbeatCheck.stalled(START + 12_000, START, START + 11_500, 0, true))
            .startsWith("no heartbeat copied in the 12 s since the link started");
    }

    @Test
    void nothingIsExpectedWhenTheSourceTakesNoHeartbeatsOrAnotherProcessCopiesThem() {
        long now = START + 60_000;
        assertThat(HeartbeatCheck.stalled(now, START, now - 20_000, now - 30_000, true)).as("writes stopped").isNull();
        assertThat(HeartbeatCheck.stalled(now, START, 0, 0, true)).as("never written").isNull();
        assertThat(HeartbeatCheck.stalled(now, START, now - 500, now - 30_000, false)).as("not this process's")
            .isNull();
    }
}
