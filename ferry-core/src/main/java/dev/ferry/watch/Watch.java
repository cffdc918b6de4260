package dev.ferry.watch;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import dev.ferry.watch.Snapshot.BackupView;
import dev.ferry.watch.Snapshot.ClusterView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples a running Ferry once a second into a {@link Snapshot}, which the HTTP endpoints, the dashboard and
 * the metrics read: asking each link's source for its progress once a second, whatever the number of readers,
 * and answering them at once even while a cluster is slow to answer.
 *
 * <p>It also writes the one log line per change of a link's state, with the backup, the direction and the cause:
 *
 * <pre>
 *   orders-dr: hangzhou -&gt; shanghai: running -&gt; unreachable (target 'shanghai' does not answer: ...)
 *   orders-dr: hangzhou -&gt; shanghai: unreachable -&gt; catching-up
 * </pre>
 */
public final class Watch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watch.class);
    static final long INTERVAL_MILLIS = 1_000;

    /** What the running configuration holds; replaced whole when a reload changes it. */
    private volatile List<BackupConfig> backups;
    private volatile Collection<ClusterConfig> clusters;
    private final Supplier<List<LinkStatus>> links;
    private final Supplier<List<CheckpointStatus>> checkpoints;
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, LinkState> lastStates = new HashMap<>();
    private final ScheduledExecutorService timer;
    private volatile Snapshot latest;
    private volatile ReloadStatus reload = ReloadStatus.NONE;
    private volatile boolean closed;

    public Watch(List<BackupConfig> backups, Collection<ClusterConfig> clusters, Supplier<List<LinkStatus>> links,
                 Supplier<List<CheckpointStatus>> checkpoints) {
        this.backups = List.copyOf(backups);
        this.clusters = List.copyOf(clusters);
        this.links = links;
        this.checkpoints = checkpoints;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-watch");
            thread.setDaemon(true);
            return thread;
        });
        this.latest = snapshot(List.of(), List.of(), System.currentTimeMillis());
    }

    /** Takes the first sample now, then one every second. */
    public Watch start() {
        sample();
        timer.scheduleWithFixedDelay(this::sample, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The newest sample. */
    public Snapshot latest() {
        return latest;
    }

    /**
     * Follows a reloaded configuration: its backups and clusters from the next sample on, which is taken now, on the
     * watch's thread (a link of a backup no longer there leaves the samples with it: the links come from the supplier
     * given at construction).
     */
    public void follow(List<BackupConfig> backups, Collection<ClusterConfig> clusters) {
        this.backups = List.copyOf(backups);
        this.clusters = List.copyOf(clusters);
        try {
            timer.execute(this::sample);
        } catch (RejectedExecutionException closing) {
            // Ferry stops: no sample is needed any more.
        }
    }

    /** Records how the last reload went: in the newest sample at once, and in every one after it. */
    public synchronized void reloaded(ReloadStatus status) {
        reload = status;
        latest = latest.withReload(status);
    }

    /** Called with each new sample, on the watch's thread (metrics follow groups that come and go). */
    public void onSample(Consumer<Snapshot> listener) {
        listeners.add(listener);
        listener.accept(latest);
    }

    private void sample() {
        try {
            List<LinkStatus> now = links.get();
            if (closed) {
                return; // a sample cut short by the stop says nothing about the links
            }
            logChanges(now);
            Snapshot next = snapshot(now, checkpoints.get(), System.currentTimeMillis());
            synchronized (this) {
                latest = next.withReload(reload);
            }
            for (Consumer<Snapshot> listener : listeners) {
                listener.accept(latest);
            }
        } catch (RuntimeException e) {
            LOG.warn("Status sample failed: {}", e.toString());
        }
    }

    private void logChanges(List<LinkStatus> now) {
        // A link gone with its backup is forgotten: should the backup come back, its first state is not a change.
        lastStates.keySet().retainAll(now.stream().map(Watch::key).toList());
        for (LinkStatus link : now) {
            String key = key(link);
            LinkState before = lastStates.put(key, link.state());
            if (before == null || before == link.state()) {
                continue;
            }
            String line = key + ": " + before.text() + " -> " + link.state().text()
                + (link.reason() == null ? "" : " (" + link.reason() + ")");
            if (link.healthy() || link.state() == LinkState.STOPPED) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
    }

    private static String key(LinkStatus link) {
        return link.backup() + ": " + link.source() + " -> " + link.target();
    }

    Snapshot snapshot(List<LinkStatus> links, List<CheckpointStatus> checkpoints, long time) {
        List<String> problems = new ArrayList<>();
        for (LinkStatus link : links) {
            if (!link.healthy()) {
                problems.add(link.backup() + ": " + link.source() + " -> " + link.target() + " is " + link.state().text()
                    + (link.reason() == null ? "" : ": " + link.reason()));
            }
        }
        if (links.isEmpty()) {
            problems.add("no link runs");
        }
        List<ClusterView> clusterViews = new ArrayList<>();
        for (ClusterConfig cluster : clusters) {
            clusterViews.add(reach(cluster, links));
        }
        List<BackupView> backupViews = new ArrayList<>();
        for (BackupConfig backup : backups) {
            backupViews.add(new BackupView(backup.name(), backup.mode().text(), backup.source(), backup.target(),
                backup.topics()));
        }
        return new Snapshot(time, problems.isEmpty(), List.copyOf(problems), List.copyOf(clusterViews),
            List.copyOf(backupViews), List.copyOf(links), List.copyOf(checkpoints));
    }

    /** Whether the cluster answered the probes of the links that use it; unknown while none of them runs. */
    private ClusterView reach(ClusterConfig cluster, List<LinkStatus> links) {
        Boolean reachable = null;
        String error = null;
        for (LinkStatus link : links) {
            if (link.state() == LinkState.STARTING || link.state() == LinkState.STOPPED
                || link.state() == LinkState.FAILED) {
                continue;
            }
            Boolean answers = link.source().equals(cluster.name()) ? Boolean.valueOf(link.sourceReachable())
                : link.target().equals(cluster.name()) ? Boolean.valueOf(link.targetReachable()) : null;
            if (answers == null) {
                continue;
            }
            if (!answers) {
                reachable = false;
                error = link.reason();
            } else if (reachable == null) {
                reachable = true;
            }
        }
        return new ClusterView(cluster.name(), cluster.namesrv(), Roles.of(cluster.name(), backups), reachable, error);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
