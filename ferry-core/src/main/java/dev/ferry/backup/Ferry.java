package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import dev.ferry.watch.FerryMetrics;
import dev.ferry.watch.Snapshot;
import dev.ferry.watch.Watch;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class Ferry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Ferry.class);

    private final FerryConfig config;
    private final Map<String, ClusterAdmin> admins = new LinkedHashMap<>();
    private final List<Backup> backups = new ArrayList<>();
    private Watch watch;

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

    private void startBackups(MeterRegistry metrics) throws Exception {
        Topology topology = new Topology(config.backups());
        for (BackupConfig backupConfig : config.backups()) {
            Map<String, ClusterAdmin> ends = Map.of(backupConfig.source(), admin(backupConfig.source()),
                backupConfig.target(), admin(backupConfig.target()));
            backups.add(new Backup(backupConfig, ends, config.copy(), config.checkpointInterval(), topology,
                config.signingKey()));
        }
        config.clusters().values().stream().filter(ClusterConfig::plaintextBeyondLoopback).forEach(cluster ->
            LOG.warn("cluster '{}' ({}): credentials, and every message, cross the network without TLS; set tls: true"
                + " (see docs/security.md)", cluster.name(), cluster.namesrv()));
        config.signingKey().ifPresentOrElse(
            key -> LOG.info("Stamps are signed (key id {}): only FERRY_* stamps that verify are trusted", key.id()),
            () -> LOG.info("Stamps are not signed (no signingKey): every FERRY_* stamp is trusted, a producer's too"
                + " (see docs/security.md)"));
        watch = new Watch(config.backups(), config.clusters().values(), this::status, this::checkpoints);
        if (metrics != null) {
            List<Link> links = new ArrayList<>();
            backups.forEach(b -> links.addAll(b.links()));
            FerryMetrics.bind(metrics, watch, links);
        }
        startSideBySide(backups);
        LOG.info("Ferry runs {} backup(s): {}", backups.size(), backups.stream().map(Backup::name).toList());
        watch.start();
    }

    /**
     * Starts the backups side by side: a link's start is a few seconds of small admin calls (groups, start
     * positions, topics, its offset syncs read back), mostly waiting on the clusters. Throws the first failure.
     */
    private static void startSideBySide(List<Backup> backups) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, Math.min(backups.size(), 8)), task -> {
            Thread thread = new Thread(task, "ferry-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (Backup backup : backups) {
                starts.add(starters.submit(() -> {
                    backup.start();
                    return null;
                }));
            }
            for (Future<?> start : starts) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            starters.shutdown();
        }
    }

    private ClusterAdmin admin(String clusterName) throws Exception {
        ClusterAdmin admin = admins.get(clusterName);
        if (admin == null) {
            ClusterConfig cluster = config.cluster(clusterName);
            if (cluster.namesrv() == null) {
                throw new IllegalStateException("cluster '" + clusterName + "' has no NameServer address");
            }
            admin = ClusterAdmin.connect(cluster);
            admins.put(clusterName, admin);
        }
        return admin;
    }

    public List<Backup> backups() {
        return List.copyOf(backups);
    }

    /**
     * Pauses one backup, or one direction of it ({@code A->B}; null for every direction): see {@link Link#pause}.
     * In this process only, until {@link #resume} or the process ends.
     *
     * @throws IllegalArgumentException when no such backup or direction runs here, naming those that do
     */
    public PauseChange pause(String backup, String direction) {
        return backup(backup).pause(direction);
    }

    /** Resumes one backup, or one direction of it, as {@link #pause} paused it. */
    public PauseChange resume(String backup, String direction) {
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

    /** Stops every backup cleanly: in-flight messages sent, progress committed. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        // Side by side: each link's stop waits on its consumer's shutdown, most of it idle waiting.
        ClusterClients.closeAll(backups);
        ClusterClients.closeAll(admins.values());
        admins.clear();
    }
}
