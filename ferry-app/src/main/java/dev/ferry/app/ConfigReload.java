package dev.ferry.app;

import dev.ferry.backup.Ferry;
import dev.ferry.backup.ReloadPlan;
import dev.ferry.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code ferry run}'s reload of its configuration file, on SIGHUP or {@code POST /reload} ({@code bin/ferry reload}
 * sends it): the file is read and validated again, embedded clusters resolved as at start, and
 * {@link Ferry#reload} applies it (what restarts and what needs a restart of Ferry: {@link ReloadPlan}).
 *
 * <p>Both ways do the same, one reload at a time, on one thread of their own: a signal handler must not block the
 * JVM's signal thread, and an HTTP exchange is cut after 30 s ({@link ExchangeExecutor}), which must not interrupt a
 * reload half done. {@code POST /reload} waits for the outcome up to {@link #ANSWER_WITHIN}, then answers 409 saying
 * the reload goes on (its outcome is then in {@code /status}'s {@code reload}).
 *
 * <p>SIGHUP is handled from {@link #onHangUp} on, before Ferry has started: the JVM's own handling would end the
 * process. One that comes while Ferry starts or stops is logged and ignored.
 */
final class ConfigReload implements ControlAction, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    /** Below the HTTP endpoint's 30 s per exchange, with room for the answer. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(25);

    private final Path file;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread reloader = new Thread(task, "ferry-reload");
        reloader.setDaemon(true);
        return reloader;
    });
    private volatile Ferry ferry;
    private volatile EmbeddedClusters embedded;

    private ConfigReload(Path file) {
        this.file = file;
    }

    /** Reloads {@code file} on every SIGHUP from now on, once {@link #runs} has said which Ferry. */
    static ConfigReload onHangUp(Path file) {
        ConfigReload reload = new ConfigReload(file);
        Signal.handle(new Signal("HUP"), signal -> reload.hangUp());
        return reload;
    }

    /** The Ferry the file runs, and the embedded clusters started for it: reloads may begin. */
    void runs(Ferry running, EmbeddedClusters clusters) {
        this.embedded = clusters;
        this.ferry = running;
    }

    private void hangUp() {
        if (ferry == null) {
            LOG.warn("SIGHUP ignored: Ferry is starting or stopping; send it again once it runs");
            return;
        }
        LOG.info("SIGHUP: reloading {}", file);
        try {
            thread.execute(() -> {
                try {
                    reload();
                } catch (Exception e) {
                    // Ferry has logged it and shows it in /status, /health and the metrics.
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            LOG.warn("SIGHUP ignored: Ferry is stopping");
        }
    }

    /** {@code POST /reload}: takes no parameter; answers what changed. */
    @Override
    public String perform(Map<String, String> parameters) throws Exception {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("POST /reload takes no parameter (given: "
                + String.join(", ", parameters.keySet()) + "): it re-reads the file Ferry runs, " + file);
        }
        if (ferry == null) {
            throw new IllegalStateException("Ferry is starting or stopping; try again once it runs");
        }
        Future<String> outcome = thread.submit(this::reload);
        try {
            return outcome.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the reload of " + file + " goes on after " + ANSWER_WITHIN.toSeconds()
                + " s (backups stopping and starting); its outcome will be in /status, under reload");
        }
    }

    private String reload() throws Exception {
        Ferry running = ferry;
        if (running == null) {
            throw new IllegalStateException("Ferry is stopping");
        }
        ReloadPlan plan = running.reload(() -> embedded.resolve(ConfigLoader.load(file)));
        return "reloaded " + file + ": " + plan;
    }

    /** No reload after this: one under way finishes first (Ferry's stop waits for it). */
    @Override
    public void close() {
        ferry = null;
        thread.shutdown();
    }
}
