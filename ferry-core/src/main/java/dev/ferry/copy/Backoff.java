package dev.ferry.copy;

/**
 * Capped exponential backoff between retries of a send: quick at first, so a short hiccup costs little,
 * then at most {@code max} apart, so an outage of minutes does not flood the target's logs.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long next;

    Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.next = initialMillis;
    }

    long nextDelayMillis() {
        long delay = next;
        next = Math.min(maxMillis, next * 2);
        return delay;
    }

    void reset() {
        next = initialMillis;
    }
}
