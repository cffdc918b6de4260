package dev.ferry.watch;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How the last reload of the configuration file went (SIGHUP, {@code POST /reload}, {@code bin/ferry reload}): the
 * {@code reload} object of {@code /status}. A failed reload changed nothing that runs, and one applied in part left
 * out the backups that did not start: either way the file on disk is not what runs, and {@link #problem()} (with the
 * error) and {@link #brief()} (without it, for {@code /health}) say so until a later reload succeeds.
 *
 * @param time        when the last attempt ended, epoch millis; 0 before any
 * @param outcome     {@code none} (no reload yet), {@code applied}, {@code partial} (applied, but backups it was to
 *                    start did not: they do not run) or {@code failed} (nothing changed)
 * @param error       why the last attempt failed or was applied in part (the file's key and what is wrong, or which
 *                    backups did not start and why), or null
 * @param started     backups the last applied reload started (in part: those that did)
 * @param stopped     backups it stopped
 * @param restarted   backups it restarted
 * @param lastApplied when a reload last succeeded, epoch millis; 0 if none has
 * @param failures    how many reloads failed, or were applied in part, since Ferry started
 */
public record ReloadStatus(long time, String outcome, String error, List<String> started, List<String> stopped,
                           List<String> restarted, long lastApplied, long failures) {

    /** Before any reload. */
    public static final ReloadStatus NONE = new ReloadStatus(0, "none", null, List.of(), List.of(), List.of(), 0, 0);

    public ReloadStatus {
        started = List.copyOf(started);
        stopped = List.copyOf(stopped);
        restarted = List.copyOf(restarted);
    }

    /** After this one, a reload that applied these changes at {@code now}. */
    public ReloadStatus applied(long now, List<String> started, List<String> stopped, List<String> restarted) {
        return new ReloadStatus(now, "applied", null, started, stopped, restarted, now, failures);
    }

    /** After this one, a reload that failed at {@code now}: the changes of the last applied one stay listed. */
    public ReloadStatus failed(long now, String error) {
        return new ReloadStatus(now, "failed", error, started, stopped, restarted, lastApplied, failures + 1);
    }

    /**
     * After this one, a reload applied in part at {@code now}: {@code started} and the others are what it did change,
     * {@code error} names the backups that did not start.
     */
    public ReloadStatus partial(long now, String error, List<String> started, List<String> stopped,
                                List<String> restarted) {
        return new ReloadStatus(now, "partial", error, started, stopped, restarted, lastApplied, failures + 1);
    }

    /** Whether the last attempt failed, or was applied only in part: what runs is not what the file says. */
    public boolean lastFailed() {
        return "failed".equals(outcome) || "partial".equals(outcome);
    }

    /**
     * What is wrong with the last reload, in a line without its error (which names the file's keys and values): what
     * {@code /health}, open to anyone who reaches it, adds; empty while what runs is the file.
     */
    public Optional<String> brief() {
        if ("partial".equals(outcome)) {
            return Optional.of("reload applied in part at " + Instant.ofEpochMilli(time) + ": backups it was to start"
                + " do not run (see /status)");
        }
        return lastFailed() ? Optional.of("reload failed at " + Instant.ofEpochMilli(time) + ", still running the"
            + " configuration loaded before (see /status)") : Optional.empty();
    }

    /** What is wrong with the last reload, in a line with its error; empty while what runs is the file. */
    public Optional<String> problem() {
        if ("partial".equals(outcome)) {
            return Optional.of("reload applied in part at " + Instant.ofEpochMilli(time) + ": " + error);
        }
        return lastFailed() ? Optional.of("reload failed at " + Instant.ofEpochMilli(time) + ", still running the"
            + " configuration loaded before: " + error) : Optional.empty();
    }
}
