package dev.ferry.app;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the HTTP endpoint's exchanges so that slow clients cannot starve it, {@code /health} above all.
 *
 * <p>Why it is needed: the JDK's server ({@code com.sun.net.httpserver}, JDK 17) accepts connections and waits for
 * their first byte on one dispatcher thread, but then reads the request line and headers <em>on its executor's
 * thread</em>, blocking on the socket. A client that sends {@code GET /hea} and stops holds that thread for good; with
 * the two threads this endpoint had, two such clients stopped every answer. The JDK's own limit
 * ({@code -Dsun.net.httpserver.maxReqTime}) is a JVM-wide system property read once when the server class loads, so a
 * library cannot rely on it; this executor does the same per server:
 * <pre>
 *   first byte ──> exchange starts ──> headers read (filter runs) ──> answer written ──> exchange ends
 *                  |&lt;─ headers within headerDeadline (5 s) ─>|
 *                  |&lt;──────────────── whole exchange within exchangeDeadline (30 s) ─────────>|
 * </pre>
 * When a deadline passes, the exchange's thread is interrupted: a thread blocked reading or writing the socket
 * channel (an {@link java.nio.channels.InterruptibleChannel}) has the channel closed under it, the JDK server closes
 * the connection, and the thread is free. The second deadline covers a slow body that the server drains and a client
 * that does not read its answer.
 *
 * <p>Up to {@value #MAX_THREADS} exchanges run at once, each on a thread of its own, so a handful of half-open
 * connections leave {@code /health} its thread. There is no queue: behind slow exchanges a request would wait as
 * long as they do; beyond the limit the JDK server closes a new request's connection at once (it closes any the
 * executor refuses), and the client may try again. Many more stalled clients than that, renewed every 5 s, can
 * still keep answers from others: that is the limit of a thread-per-request server (see docs/security.md).
 */
final class ExchangeExecutor implements Executor, AutoCloseable {

    static final Duration HEADER_DEADLINE = Duration.ofSeconds(5);
    static final Duration EXCHANGE_DEADLINE = Duration.ofSeconds(30);
    static final int MAX_THREADS = 32;

    private enum Phase { READING_HEADERS, ANSWERING, DONE, EXPIRED }

    private final Duration headerDeadline;
    private final Duration exchangeDeadline;
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadLocal<Timed> current = new ThreadLocal<>();

    ExchangeExecutor(Duration headerDeadline, Duration exchangeDeadline) {
        this.headerDeadline = headerDeadline;
        this.exchangeDeadline = exchangeDeadline;
        this.pool = new ThreadPoolExecutor(2, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            daemons("ferry-http"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemons("ferry-http-deadlines"));
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(new Timed(exchange));
    }

    /** Called on an exchange's thread once the server has read its request line and headers. */
    void headersRead() {
        Timed exchange = current.get();
        if (exchange != null) {
            exchange.headersRead();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One exchange and its deadlines. The lock orders an interrupt before the end of the exchange, never after. */
    private final class Timed implements Runnable {

        private final Runnable exchange;
        private Phase phase = Phase.READING_HEADERS;
        private Thread thread;

        Timed(Runnable exchange) {
            this.exchange = exchange;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            current.set(this);
            ScheduledFuture<?> headers = timer.schedule(() -> expire(Phase.READING_HEADERS),
                headerDeadline.toMillis(), TimeUnit.MILLISECONDS);
            ScheduledFuture<?> whole = timer.schedule(() -> expire(null), exchangeDeadline.toMillis(),
                TimeUnit.MILLISECONDS);
            try {
                exchange.run();
            } finally {
                headers.cancel(false);
                whole.cancel(false);
                current.remove();
                synchronized (this) {
                    phase = Phase.DONE;
                    thread = null;
                }
                // An interrupt sent just before DONE must not reach the next exchange on this thread.
                Thread.interrupted();
            }
        }

        synchronized void headersRead() {
            if (phase == Phase.READING_HEADERS) {
                phase = Phase.ANSWERING;
            }
        }

        /** Drops the exchange if it is still in {@code expected} (null: in any phase but done). */
        synchronized void expire(Phase expected) {
            if (phase == Phase.DONE || phase == Phase.EXPIRED || (expected != null && phase != expected)) {
                return;
            }
            phase = Phase.EXPIRED;
            thread.interrupt();
        }
    }
}
