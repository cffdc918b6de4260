package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import dev.ferry.watch.FerryMetrics;
import dev.ferry.watch.ReloadStatus;
import dev.ferry.watch.Snapshot;
import dev.ferry.watch.Watch;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every backup of one configuration, running in this process. Several processes may run the same
 * configuration: they share the work through RocketMQ's consumer groups (see {@link dev.ferry.copy.Link}).
 *
 * <p>Every cluster must have a NameServer address by now: {@code embedded: true} clusters are started by the
 * caller before, and their addresses filled in.
 *
 * <p>The running set follows the configuration file when it is reloaded ({@link #reload}, {@link #apply}): backups
 * start, stop cleanly and restart as {@link ReloadPlan} decides, the others go on untouched (same links, never
 * paused); the cluster admins, the {@link Watch} and the metrics follow the set. One reload at a time.
 */
public final class Ferry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Ferry.class);

    /** What runs: the file as last applied, less any backup that did not start then. */
    private volatile FerryConfig config;
    private final ClusterAdmins admins = new ClusterAdmins();
    /** The running backups in file order; replaced whole, so that the Watch's thread reads a consistent list. */
    private volatile List<Backup> backups = List.of();
    private Watch watch;
    /** Null when started without a registry. */
    private FerryMetrics metrics;
    private ReloadStatus reloadStatus = ReloadStatus.NONE;

    private Ferry(FerryConfig config) {
        this.config = config;
    }

    /**
     * Starts every backup of the configuration, copying with its {@link FerryConfig#copy() copy settings}; on
     * failure stops what it started and throws.
     */
    public static Ferry start(FerryConfig config) throws Exception {
        return start(config, null);
    }

    /**
     * As {@link #start(FerryConfig)}, exporting the links, clusters, checkpoints and JVM to
     * {@code metrics} (see {@link FerryMetrics}) from before the first message is copied; null exports nothing.
     */
    public static Ferry start(FerryConfig config, MeterRegistry metrics) throws Exception {
        Ferry ferry = new Ferry(config);
        try {
            ferry.startBackups(metrics);
            return ferry;
        } catch (Exception e) {
            ferry.close();
            throw e;
        }
    }

    private void startBackups(MeterRegistry registry) throws Exception {
        Topology topology = new Topology(config.backups());
        List<Backup> created = new ArrayList<>();
        backups = created; // so that a failure part way closes what was made
        for (BackupConfig backupConfig : config.backups()) {
            created.add(backup(backupConfig, topology));
        }
        backups = List.copyOf(created);
        config.clusters().values().stream().filter(ClusterConfig::plaintextBeyondLoopback).forEach(cluster ->
            LOG.warn("cluster '{}' ({}): credentials, and every message, cross the network without TLS; set tls: true"
                + " (see docs/security.md)", cluster.name(), cluster.namesrv()));
        config.signingKey().ifPresentOrElse(
            key -> LOG.info("Stamps are signed (key id {}): only FERRY_* stamps that verify are trusted", key.id()),
            () -> LOG.info("Stamps are not signed (no signingKey): every FERRY_* stamp is trusted, a producer's too"
                + " (see docs/security.md)"));
        watch = new Watch(config.backups(), config.clusters().values(), this::status, this::checkpoints);
        if (registry != null) {
            metrics = FerryMetrics.bind(registry, watch, links(backups));
        }
        Map<Backup, Exception> failed = startSideBySide(backups);
        if (!failed.isEmpty()) {
            throw failed.values().iterator().next();
        }
        LOG.info("Ferry runs {} backup(s): {}", backups.size(), backups.stream().map(Backup::name).toList());
        watch.start();
    }

    private Backup backup(BackupConfig backupConfig, Topology topology) throws Exception {
        String source = backupConfig.source();
        String target = backupConfig.target();
        Map<String, ClusterAdmin> ends = Map.of(source, admins.of(config.cluster(source)),
            target, admins.of(config.cluster(target)));
        return new Backup(backupConfig, ends, config.copy(), config.checkpointInterval(), topology,
            config.signingKey());
    }

    /**
     * Reads the configuration anew with {@code source} (the file, loaded and validated) and {@link #apply applies}
     * it; records the outcome either way, for {@code /status}, {@code /health} and the metrics. One reload at a time:
     * SIGHUP and {@code POST /reload} come here both.
     *
     * @return what changed
     * @throws IllegalStateException when the file does not validate or needs a restart of Ferry: nothing changed
     * @throws Exception             when a backup to start did not (the message says which, and what runs)
     */
    public synchronized ReloadPlan reload(Callable<FerryConfig> source) throws Exception {
        try {
            ReloadPlan plan = apply(source.call());
            record(reloadStatus.applied(System.currentTimeMillis(), plan.start(), plan.stop(),
                List.copyOf(plan.restart().keySet())));
            LOG.info("Reloaded {}: {}", config.file(), plan);
            return plan;
        } catch (ConfigException | IllegalStateException refused) {
            String error = refused.getMessage();
            record(reloadStatus.failed(System.currentTimeMillis(), error));
            LOG.error("Reload refused, the running backups go on as before: {}", error);
            throw refused instanceof IllegalStateException ise ? ise : new IllegalStateException(error, refused);
        } catch (ReloadFailedException partly) {
            ReloadPlan plan = partly.plan();
            List<String> running = config.backups().stream().map(BackupConfig::name).toList();
            record(reloadStatus.partial(System.currentTimeMillis(), partly.getMessage(),
                plan.start().stream().filter(running::contains).toList(), plan.stop(),
                plan.restart().keySet().stream().filter(running::contains).toList()));
            LOG.error("Reload applied in part: {}", partly.getMessage());
            throw partly;
        } catch (Exception failed) {
            record(reloadStatus.failed(System.currentTimeMillis(), failed.getMessage()));
            LOG.error("Reload failed: {}", failed.getMessage());
            throw failed;
        }
    }

    private void record(ReloadStatus status) {
        reloadStatus = status;
        watch.reloaded(status);
    }

    /**
     * Makes the running set what {@code next} says, as {@link ReloadPlan} decides: stops the backups that leave or
     * restart (side by side, each cleanly: in-flight sent, progress committed, checkpoints' last round), closes the
     * admins of clusters gone or changed, then starts the new and restarted backups with {@code next}. Untouched
     * backups go on as they are, their links never paused.
     *
     * @throws IllegalStateException naming why, when {@code next} needs a restart of Ferry: nothing changed
     * @throws ReloadFailedException when backups to start did not: they do not run (the rest of the plan is
     *                               applied), and a later reload with the same file tries them again
     */
    public synchronized ReloadPlan apply(FerryConfig next) throws Exception {
        ReloadPlan plan = ReloadPlan.between(config, next);
        if (!plan.needsProcessRestart().isEmpty()) {
            throw new IllegalStateException(next.file() + " " + plan + "; nothing was changed");
        }
        Set<String> leaving = new HashSet<>(plan.stop());
        leaving.addAll(plan.restart().keySet());
        List<Backup> stopping = backups.stream().filter(b -> leaving.contains(b.name())).toList();
        List<Backup> kept = backups.stream().filter(b -> !leaving.contains(b.name())).toList();
        // Out of status and metrics first: a link that stops on request is not a broken one (/health stays 200).
        follow(kept, config.withBackups(kept.stream().map(Backup::config).toList()));
        if (!stopping.isEmpty()) {
            LOG.info("Reload: stopping {} cleanly", stopping.stream().map(Backup::name).toList());
            ClusterClients.closeAll(stopping);
        }
        config = next;
        admins.keepOnlyWhat(next);
        Topology topology = new Topology(next.backups());
        Map<String, Backup> keptByName = new LinkedHashMap<>();
        kept.forEach(b -> keptByName.put(b.name(), b));
        List<Backup> now = new ArrayList<>();
        List<Backup> starting = new ArrayList<>();
        Map<String, Exception> failed = new LinkedHashMap<>();
        for (BackupConfig backupConfig : next.backups()) {
            Backup backup = keptByName.get(backupConfig.name());
            if (backup == null) {
                try {
                    backup = backup(backupConfig, topology);
                } catch (Exception e) {
                    failed.put(backupConfig.name(), e);
                    continue;
                }
                starting.add(backup);
            }
            now.add(backup);
        }
        // Into status and metrics once started, as at Ferry's own start: a starting link is not a broken one either.
        Map<Backup, Exception> notStarted = startSideBySide(starting);
        if (notStarted.isEmpty() && failed.isEmpty()) {
            follow(now, next);
            return plan;
        }
        ClusterClients.closeAll(notStarted.keySet());
        notStarted.forEach((backup, e) -> failed.put(backup.name(), e));
        List<Backup> running = now.stream().filter(b -> !notStarted.containsKey(b)).toList();
        follow(running, next.withBackups(running.stream().map(Backup::config).toList()));
        admins.keepOnlyWhat(config); // a cluster only the backups that did not start used
        throw new ReloadFailedException(next.file() + ": " + plan + "; but " + failed.entrySet().stream()
            .map(e -> "backup '" + e.getKey() + "' did not start (" + e.getValue().getMessage() + ")").toList()
            + " and does not run now: reload again to try it again", plan);
    }

    /** The running set is {@code now}, as {@code file} describes it: for status, the Watch and the metrics. */
    private void follow(List<Backup> now, FerryConfig file) {
        backups = List.copyOf(now);
        config = file;
        watch.follow(file.backups(), file.clusters().values());
        if (metrics != null) {
            metrics.follow(links(backups), file.clusters().keySet());
        }
    }

    private static List<Link> links(List<Backup> backups) {
        List<Link> links = new ArrayList<>();
        backups.forEach(b -> links.addAll(b.links()));
        return links;
    }

    /**
     * Starts the backups side by side: a link's start is a few seconds of small admin calls (groups, start
     * positions, topics, its offset syncs read back), mostly waiting on the clusters. Returns the failures.
     */
    private static Map<Backup, Exception> startSideBySide(List<Backup> backups) throws InterruptedException {
        ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, Math.min(backups.size(), 8)), task -> {
            Thread thread = new Thread(task, "ferry-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<Backup, Future<?>> starts = new LinkedHashMap<>();
            for (Backup backup : backups) {
                starts.put(backup, starters.submit(() -> {
                    backup.start();
                    return null;
                }));
            }
            Map<Backup, Exception> failed = new LinkedHashMap<>();
            for (Map.Entry<Backup, Future<?>> start : starts.entrySet()) {
                try {
                    start.getValue().get();
                } catch (ExecutionException e) {
                    failed.put(start.getKey(), e.getCause() instanceof Exception cause ? cause : e);
                }
            }
            return failed;
        } finally {
            starters.shutdown();
        }
    }

    public List<Backup> backups() {
        return backups;
    }

    /** The configuration that runs: the file as last applied, less any backup that did not start then. */
    public FerryConfig config() {
        return config;
    }

    /**
     * Pauses one backup, or one direction of it ({@code A->B}; null for every direction): see {@link Link#pause}.
     * In this process only, until {@link #resume} or the process ends.
     *
     * @throws IllegalArgumentException when no such backup or direction runs here, naming those that do
     */
    public synchronized PauseChange pause(String backup, String direction) {
        return backup(backup).pause(direction);
    }

    /**
     * Resumes one backup, or one direction of it, as {@link #pause} paused it. Both wait for a reload under way (one
     * monitor): a backup a reload restarts is not paused in its old links while the new ones start unpaused.
     */
    public synchronized PauseChange resume(String backup, String direction) {
        return backup(backup).resume(direction);
    }

    private Backup backup(String name) {
        for (Backup backup : backups) {
            if (backup.name().equals(name)) {
                return backup;
            }
        }
        throw new IllegalArgumentException("no backup '" + name + "' runs here: " + (backups.isEmpty() ? "none does"
            : "the backups are " + String.join(", ", backups.stream().map(Backup::name).toList())));
    }

    /** Per backup, direction, group and topic: the newest checkpoint's age and how much it would re-read. */
    public List<CheckpointStatus> checkpoints() {
        List<CheckpointStatus> status = new ArrayList<>();
        for (Backup backup : backups) {
            backup.checkpointers().forEach(c -> status.addAll(c.status()));
        }
        return status;
    }

    /**
     * The newest sample of every link, cluster and checkpoint, taken once a second: what the HTTP endpoints and
     * the dashboard show. {@link #status()} asks the clusters now instead.
     */
    public Snapshot snapshot() {
        return watch.latest();
    }

    public List<LinkStatus> status() {
        List<LinkStatus> status = new ArrayList<>();
        for (Backup backup : backups) {
            backup.links().forEach(link -> status.add(link.status()));
        }
        return status;
    }

    /** Stops every backup cleanly: in-flight messages sent, progress committed. A reload under way ends first. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        // Side by side: each link's stop waits on its consumer's shutdown, most of it idle waiting.
        ClusterClients.closeAll(backups);
        admins.close();
    }
}
