package dev.ferry.backup;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload of the configuration file does to a running Ferry: which backups start, stop, restart or go on
 * untouched, or why it cannot be applied without restarting the process. Pure: two configurations in, a decision
 * out, so that every rule is unit-tested without a broker.
 *
 * <p>The rules, for each backup by name:
 * <pre>
 *   only in the new file                                           start
 *   only in the running one                                        stop (cleanly: in-flight sent, progress committed)
 *   in both, and any of these differs:                             restart (stop cleanly, start with the new file)
 *     its own entry (topics, mode, filter, startFrom, ...)
 *     its source's or its target's entry under clusters (namesrv, credentials, stamp, tls)
 *     copy, checkpointInterval or signingKey (they apply to every link)
 *     what the other backups tell it: whether copies can come back to its source (the loop check on the broker)
 *       or whether it is the only writer of its target topics (idle groups following there), see Topology
 *   in both, none of that differs                                  untouched: its links go on, never paused
 * </pre>
 * A backup that restarts resumes from its committed progress, as after a process restart: {@code startFrom} only
 * matters to a backup that has none yet.
 *
 * <p>Two things are fixed for the life of the process; a change to either is refused as a whole (nothing applied,
 * the running set stays) and names what needs a restart of Ferry: {@code http} (the endpoint is bound once, and its
 * token guards the very request that would change it), and any {@code embedded: true} cluster added, removed or
 * changed (Ferry starts embedded clusters only when it starts).
 */
public final class ReloadPlan {

    private final List<String> start = new ArrayList<>();
    private final List<String> stop = new ArrayList<>();
    private final Map<String, String> restart = new LinkedHashMap<>();
    private final List<String> keep = new ArrayList<>();
    private final List<String> needsProcessRestart = new ArrayList<>();

    private ReloadPlan() {
    }

    /**
     * The plan from {@code running} to {@code next}. Embedded clusters must be resolved alike in both (their
     * addresses filled in where Ferry started them), so that an embedded cluster Ferry runs compares equal.
     */
    public static ReloadPlan between(FerryConfig running, FerryConfig next) {
        ReloadPlan plan = new ReloadPlan();
        plan.checkFixedSettings(running, next);
        if (!plan.needsProcessRestart.isEmpty()) {
            return plan;
        }
        String global = globalChange(running, next);
        Topology before = new Topology(running.backups());
        Topology after = new Topology(next.backups());
        Set<String> nextNames = new LinkedHashSet<>();
        for (BackupConfig backup : next.backups()) {
            nextNames.add(backup.name());
            BackupConfig old = running.backups().stream().filter(b -> b.name().equals(backup.name())).findFirst()
                .orElse(null);
            if (old == null) {
                plan.start.add(backup.name());
                continue;
            }
            String why = global != null ? global : whyRestart(running, old, before, next, backup, after);
            if (why == null) {
                plan.keep.add(backup.name());
            } else {
                plan.restart.put(backup.name(), why);
            }
        }
        running.backups().stream().map(BackupConfig::name).filter(name -> !nextNames.contains(name))
            .forEach(plan.stop::add);
        return plan;
    }

    private void checkFixedSettings(FerryConfig running, FerryConfig next) {
        if (!running.http().equals(next.http())) {
            // HttpConfig's toString is host:port, never the token.
            needsProcessRestart.add("http changed (listen " + running.http() + " -> " + next.http()
                + ", or its token): the endpoint is set up once, when Ferry starts");
        }
        Set<String> names = new LinkedHashSet<>(running.clusters().keySet());
        names.addAll(next.clusters().keySet());
        for (String name : names) {
            ClusterConfig was = running.clusters().get(name);
            ClusterConfig now = next.clusters().get(name);
            boolean embedded = (was != null && was.embedded()) || (now != null && now.embedded());
            if (embedded && !Objects.equals(was, now)) {
                needsProcessRestart.add("cluster '" + name + "' is or was embedded: true, and Ferry starts or stops"
                    + " embedded clusters only with the process");
            }
        }
    }

    /** Why every backup restarts, or null: a setting that every link copies or checkpoints with. */
    private static String globalChange(FerryConfig running, FerryConfig next) {
        List<String> changed = new ArrayList<>();
        if (!running.copy().equals(next.copy())) {
            changed.add("copy");
        }
        if (!running.checkpointInterval().equals(next.checkpointInterval())) {
            changed.add("checkpointInterval");
        }
        if (!running.signingKey().equals(next.signingKey())) {
            changed.add("signingKey");
        }
        return changed.isEmpty() ? null : String.join(", ", changed) + " changed (used by every link)";
    }

    private static String whyRestart(FerryConfig running, BackupConfig old, Topology before, FerryConfig next,
                                     BackupConfig backup, Topology after) {
        if (!old.equals(backup)) {
            return "its entry under backups changed";
        }
        for (String cluster : List.of(backup.source(), backup.target())) {
            if (!running.cluster(cluster).equals(next.cluster(cluster))) {
                return "cluster '" + cluster + "' changed";
            }
        }
        for (Direction direction : backup.directions()) {
            String from = direction.source();
            String to = direction.target();
            if (before.canReach(to, from) != after.canReach(to, from)) {
                return "copies " + (after.canReach(to, from) ? "can now" : "can no longer") + " come back from "
                    + to + " to " + from + " through other backups (the loop check changes)";
            }
            if (before.soleWriter(old, from, to) != after.soleWriter(backup, from, to)) {
                return "it is " + (after.soleWriter(backup, from, to) ? "now" : "no longer") + " the only writer of"
                    + " its target topics on " + to + " (groups' following changes)";
            }
        }
        return null;
    }

    /** Backups only in the new file, in its order. */
    public List<String> start() {
        return List.copyOf(start);
    }

    /** Backups only in the running file, in its order. */
    public List<String> stop() {
        return List.copyOf(stop);
    }

    /** Backups in both that restart, in the new file's order, each with why. */
    public Map<String, String> restart() {
        return java.util.Collections.unmodifiableMap(restart);
    }

    /** Backups in both that go on untouched. */
    public List<String> keep() {
        return List.copyOf(keep);
    }

    /** Why the new file cannot be applied without restarting Ferry; empty when it can. */
    public List<String> needsProcessRestart() {
        return List.copyOf(needsProcessRestart);
    }

    /** Whether applying it changes nothing that runs. */
    public boolean changesNothing() {
        return start.isEmpty() && stop.isEmpty() && restart.isEmpty();
    }

    /** One line for the log and the answer to {@code POST /reload}. */
    @Override
    public String toString() {
        if (!needsProcessRestart.isEmpty()) {
            return "needs a restart of Ferry: " + String.join("; ", needsProcessRestart);
        }
        if (changesNothing()) {
            return "nothing changed (" + keep.size() + " backup(s) run on untouched)";
        }
        List<String> parts = new ArrayList<>();
        if (!start.isEmpty()) {
            parts.add("started " + start);
        }
        if (!stop.isEmpty()) {
            parts.add("stopped " + stop);
        }
        restart.forEach((name, why) -> parts.add("restarted " + name + " (" + why + ")"));
        parts.add("untouched " + keep);
        return String.join("; ", parts);
    }
}
