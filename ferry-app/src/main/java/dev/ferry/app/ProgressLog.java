package dev.ferry.app;

import dev.ferry.copy.LinkStatus;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one line per link every few seconds, so a long catch-up shows that it moves. */
final class ProgressLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.ferry.progress");

    private final ScheduledExecutorService timer;

    private ProgressLog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static ProgressLog every(int seconds, Supplier<List<LinkStatus>> status) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-progress");
            t.setDaemon(true);
            return t;
        });
        if (seconds > 0) {
            timer.scheduleWithFixedDelay(() -> status.get().forEach(s -> LOG.info(line(s))), seconds, seconds,
                TimeUnit.SECONDS);
        }
        return new ProgressLog(timer);
    }

    static String line(LinkStatus s) {
        StringBuilder line = new StringBuilder()
            .append(s.backup()).append(": ").append(s.source()).append(" -> ").append(s.target())
            .append(": ").append(s.state().text())
            .append(", copied ").append(s.copied())
            .append(", backlog ").append(s.backlog() < 0 ? "?" : Long.toString(s.backlog()))
            .append(", delay ").append(s.delayMillis() < 0 ? "?" : s.delayMillis() + " ms");
        if (s.deadLettered() > 0) {
            line.append(", dead-lettered ").append(s.deadLettered());
        }
        if (s.reason() != null) {
            line.append(" (").append(s.reason()).append(')');
        }
        return line.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
