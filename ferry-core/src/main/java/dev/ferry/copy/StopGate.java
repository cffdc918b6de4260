package dev.ferry.copy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets the copier's calls in while the link runs; once it stops, lets none in and waits for those inside to
 * finish, so that the offsets committed on the way out cover every batch the target acknowledged.
 */
final class StopGate {

    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closed;

    /** Enters; false when the link stops and nothing new may start (then do not call {@link #exit}). */
    boolean enter() {
        inside.incrementAndGet();
        if (closed) {
            inside.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        inside.decrementAndGet();
    }

    boolean isOpen() {
        return !closed;
    }

    /** Lets no new call in. */
    void close() {
        closed = true;
    }

    /** Waits until no call is inside, at most {@code timeout}; true when none is. */
    boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inside.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
