package dev.ferry.app;

import dev.ferry.backup.Ferry;
import dev.ferry.backup.PauseChange;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.watch.Snapshot;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Pause and resume over HTTP: {@code POST /pause?backup=B[&direction=A->B]} and {@code POST /resume?...}, the
 * control paths {@code bin/ferry pause} and {@code resume} send (see {@link Ferry#pause}). Answers by
 * {@link ControlAction}: 200 saying what changed (or that nothing did: pausing a paused link is no error), 400 for
 * a backup or direction this Ferry does not run, naming those it does.
 *
 * <p>What an operator must know, said in the contract too: a pause lives in this process only. A restart runs the
 * link again, and another process running the same file is not paused: each process pauses its own links (the
 * queues RocketMQ gave it), so a backup shared by several processes is paused by asking each of them.
 */
final class PauseControl {

    static final String PAUSE = "/pause";
    static final String RESUME = "/resume";
    private static final Set<String> PARAMETERS = Set.of("backup", "direction");

    private PauseControl() {
    }

    /** Adds {@code /pause} and {@code /resume} for {@code ferry}'s backups to {@code server}. */
    static void register(StatusServer server, Ferry ferry) {
        server.control(PAUSE, parameters -> change(PAUSE, parameters, ferry::pause));
        server.control(RESUME, parameters -> change(RESUME, parameters, ferry::resume));
    }

    private static String change(String path, Map<String, String> parameters,
                                 BiFunction<String, String, PauseChange> action) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown query parameter '" + name + "': " + path
                    + " takes backup and direction");
            }
        }
        String backup = parameters.get("backup");
        if (backup == null || backup.isBlank()) {
            throw new IllegalArgumentException("name the backup: " + path + "?backup=NAME[&direction=A->B]");
        }
        return action.apply(backup, parameters.get("direction")).text();
    }

    /**
     * The lines {@code /health} adds for paused links, which do not make it 503 (an orchestrator must not restart
     * a process paused for maintenance: that would end the pause) but should not pass unseen: one per link,
     * {@code paused: orders-dr: a -> b}; empty when none is paused.
     */
    static String pausedLines(Snapshot snapshot) {
        StringBuilder lines = new StringBuilder();
        for (LinkStatus link : snapshot.links()) {
            if (link.state() == LinkState.PAUSED) {
                lines.append("paused: ").append(link.backup()).append(": ").append(link.source()).append(" -> ")
                    .append(link.target()).append('\n');
            }
        }
        return lines.toString();
    }
}
