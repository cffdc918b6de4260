package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapAndStartsOverAfterReset() {
        Backoff backoff = new Backoff(100, 500);
        assertThat(new long[] {backoff.nextDelayMillis(), backoff.nextDelayMillis(), backoff.nextDelayMillis(),
            backoff.nextDelayMillis(), backoff.nextDelayMillis()}).containsExactly(100, 200, 400, 500, 500);
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isEqualTo(100);
    }
}
