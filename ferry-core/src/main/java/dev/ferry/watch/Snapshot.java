package dev.ferry.watch;

import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import java.util.List;

/**
 * Everything a running Ferry says about itself at one moment: what {@code GET /status} returns as JSON.
 *
 * @param time        when it was taken, epoch millis
 * @param healthy     whether every link copies (running or catching up): what {@code GET /health} answers
 * @param problems    one line per link that does not, with why
 * @param clusters    every configured cluster, with its role and whether it answers
 * @param backups     every configured backup
 * @param links       every direction of every backup
 * @param checkpoints each consumer group's newest checkpoint per direction and topic
 * @param reload      how the last reload of the configuration file went
 */
public record Snapshot(long time, boolean healthy, List<String> problems, List<ClusterView> clusters,
                       List<BackupView> backups, List<LinkStatus> links, List<CheckpointStatus> checkpoints,
                       ReloadStatus reload) {

    /** A snapshot of a Ferry that has not reloaded its file. */
    public Snapshot(long time, boolean healthy, List<String> problems, List<ClusterView> clusters,
                    List<BackupView> backups, List<LinkStatus> links, List<CheckpointStatus> checkpoints) {
        this(time, healthy, problems, clusters, backups, links, checkpoints, ReloadStatus.NONE);
    }

    /** The same sample, with {@code status} as the last reload's. */
    public Snapshot withReload(ReloadStatus status) {
        return new Snapshot(time, healthy, problems, clusters, backups, links, checkpoints, status);
    }

    /**
     * One cluster as the dashboard draws it.
     *
     * @param role      {@code source} (only copied from), {@code target} (only copied into), {@code relay} (both, in
     *                  one-way chains), {@code peer} (in a two-way backup) or {@code unused}
     * @param reachable whether the links that read from or write to it reached it in their last probe; null when no
     *                  running link uses it
     * @param error     why it is not reached, or null
     */
    public record ClusterView(String name, String namesrv, String role, Boolean reachable, String error) {
    }

    /** One configured backup: {@code mode} is {@code one-way} or {@code two-way}. */
    public record BackupView(String name, String mode, String source, String target, List<String> topics) {
    }
}
