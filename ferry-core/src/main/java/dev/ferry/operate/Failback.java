package dev.ferry.operate;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.config.TopicMapping;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkProgress;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.names.FerryNames;
import dev.ferry.offsets.Checkpointer;
import dev.ferry.offsets.MoveBack;
import dev.ferry.offsets.OffsetSyncLog;
import dev.ferry.offsets.OffsetSyncStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Brings applications home after a disaster recovery: the home cluster A is back, the applications run on
 * the standby B, and a one-way backup copies A to B. What {@code ferry failback --from B --to A} does:
 *
 * <ol>
 *   <li>Waits until what A held uncopied when it failed is on B: the backup's own link (run by
 *       {@code ferry run}) copies it once A answers again.</li>
 *   <li>Copies back to A what B took while A was down: a link B -&gt; A of its own (group
 *       {@code ferry-<backup>-failback-to-<A>} on B), which skips A's copies by their path, until it has
 *       nothing left. Its progress stays in that group, so a second failback copies only what came since.</li>
 *   <li>Moves each group's progress from B to A ({@link MoveBack}): it may re-read a little, never skips.</li>
 * </ol>
 *
 * <p>A -&gt; B goes on as before: the copies now on A carry B on their path, so the backup's link passes them
 * over, and nothing loops. A two-way backup needs none of this: B -&gt; A copies all along, and
 * {@code ferry failover --from B --to A} moves progress back with the checkpoints.
 *
 * <p>It reads and writes only A and B, and holds no state of its own: run it again after an interruption.
 */
public final class Failback {

    /** How often a long wait says where it is. */
    private static final long PROGRESS_EVERY_MILLIS = 5_000;
    /** How long the newest offset syncs of A -&gt; B may take to reach B's log after the last copy. */
    private static final long SYNC_LOG_WAIT_MILLIS = 10_000;

    /**
     * What a failback did.
     *
     * @param heldByHome  messages A held, not yet copied to B, when failback started (copied before it went on)
     * @param copiedBack  messages copied from B to A
     * @param moves       per group, where it resumes on A
     */
    public record Report(long heldByHome, long copiedBack, Map<String, List<MoveBack.Position>> moves) {
    }

    private final FerryConfig config;
    private final String standby;
    private final String home;
    private final Consumer<String> say;

    /**
     * @param config  the configuration; the copy back copies with its {@link FerryConfig#copy() copy settings}
     * @param standby the cluster applications ran on while home was down ({@code --from})
     * @param home    the cluster they go back to ({@code --to})
     * @param say     where progress lines go
     */
    public Failback(FerryConfig config, String standby, String home, Consumer<String> say) {
        this.config = config;
        this.standby = standby;
        this.home = home;
        this.say = say;
    }

    /** The one-way backups copying home to standby; refuses what failback cannot handle, saying what to do. */
    public List<BackupConfig> backups() {
        config.cluster(standby);
        config.cluster(home);
        List<BackupConfig> found = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            boolean homeToStandby = backup.directions().contains(new Direction(home, standby));
            if (homeToStandby && backup.directions().contains(new Direction(standby, home))) {
                throw new IllegalArgumentException("backup '" + backup.name() + "' is two-way: " + standby + " -> " + home
                    + " copies all along; move groups back with `ferry failover --group G --from " + standby + " --to "
                    + home + "`");
            }
            if (!homeToStandby) {
                continue;
            }
            if (!backup.targetTopic().equals(TopicMapping.SAME)) {
                throw new IllegalArgumentException("backup '" + backup.name() + "' renames topics (targetTopic: "
                    + backup.targetTopic() + "); failback copies back only topics of the same name");
            }
            found.add(backup);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no one-way backup copies '" + home + "' to '" + standby + "'");
        }
        return found;
    }

    /**
     * Runs the failback of every backup from home to standby.
     *
     * @param groups  the groups to move back; empty for every group reading the backups' topics on standby
     * @param dryRun  only say what A holds and B would copy back; copy and move nothing
     * @param timeout how long each wait (A's held messages, the copy back) may take
     */
    public Report run(List<String> groups, boolean dryRun, Duration timeout) throws Exception {
        List<BackupConfig> backups = backups();
        long held = 0;
        long copiedBack = 0;
        Map<String, List<MoveBack.Position>> moves = new LinkedHashMap<>();
        try (ClusterAdmin homeAdmin = ClusterAdmin.connect(config.cluster(home));
             ClusterAdmin standbyAdmin = ClusterAdmin.connect(config.cluster(standby))) {
            for (BackupConfig backup : backups) {
                String outboundGroup = FerryNames.linkGroup(backup.name(), standby);
                long holds = backlog(homeAdmin, outboundGroup, backup.topics());
                held += holds;
                say.accept(String.format("%s: %s holds %,d message(s) not yet copied to %s", backup.name(), home, holds,
                    standby));
                Set<String> reading = groupsToMove(standbyAdmin, backup, groups);
                if (dryRun) {
                    say.accept(String.format("%s: would copy back to %s what %s took of %s, then move %s",
                        backup.name(), home, standby, backup.topics(), reading.isEmpty() ? "no group" : reading));
                    continue;
                }
                awaitZero(() -> backlog(homeAdmin, outboundGroup, backup.topics()), timeout,
                    backup.name() + ": copying what " + home + " held to " + standby + " (by `ferry run`, group "
                        + outboundGroup + ")", "is `ferry run` running with this configuration? Its link "
                        + home + " -> " + standby + " copies them");
                Map<MessageQueue, Long> copyBackStart = ends(homeAdmin, backup.topics());
                Link back = new Link(copyBack(backup), standbyAdmin, homeAdmin, config.copy(), true, false,
                    config.signingKey());
                // What the copy back must have passed on each queue of the standby: its ends now. The link's backlog
                // alone is not enough: read before its consumer has pulled (a busy machine), it shows 0.
                Map<MessageQueue, Long> standbyEnds = ends(standbyAdmin, backup.topics());
                try {
                    back.start();
                    awaitZero(() -> copyBackBacklog(back) + notPassed(standbyAdmin, back.status().group(), standbyEnds),
                        timeout, backup.name() + ": copying back " + standby + " -> " + home,
                        "see the log for the copy back's errors");
                    copiedBack += back.status().copied();
                    say.accept(String.format("%s: copied %,d message(s) back from %s to %s", backup.name(),
                        back.status().copied(), standby, home));
                    OffsetSyncStore outbound = outboundSyncs(copyBackStart);
                    for (String group : reading) {
                        List<MoveBack.Position> positions = MoveBack.plan(outbound, back.offsetSyncs(),
                            committed(standbyAdmin, group, backup.topics()), copyBackStart,
                            ends(homeAdmin, backup.topics()));
                        moves.put(group, positions);
                        sayMoves(group, positions);
                        Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
                        positions.forEach(p -> offsets.put(p.queue(), p.resumeAt()));
                        if (!offsets.isEmpty()) {
                            homeAdmin.moveGroup(group, offsets);
                        }
                    }
                } finally {
                    back.close();
                }
            }
        }
        if (!dryRun) {
            say.accept("done: move producers and consumers back to " + home + "; " + home + " -> " + standby
                + " goes on. What " + standby + " takes from now on stays there: run failback again to copy it back.");
        }
        return new Report(held, copiedBack, moves);
    }

    /** The copy back: B -&gt; A for the backup's topics, from B's first message (or where a previous run stopped). */
    private BackupConfig copyBack(BackupConfig backup) {
        return new BackupConfig(FerryNames.failbackBackup(backup.name()), Mode.ONE_WAY, standby, home, backup.topics(),
            TopicMapping.SAME, null, StartFrom.EARLIEST, List.of(), backup.onError());
    }

    private static long copyBackBacklog(Link back) {
        LinkStatus status = back.status();
        if (status.state() == LinkState.FAILED) {
            throw new IllegalStateException("the copy back failed: " + status.reason());
        }
        return status.backlog() < 0 ? Long.MAX_VALUE : status.backlog();
    }

    /**
     * A -&gt; B's syncs as kept on B. The newest of each queue reaches the log within about a second of its copy;
     * {@link MoveBack} may conclude that a group consumed everything of A's only from a queue's last sync, so
     * this waits (a little) for the sync of the message before {@code copyBackStart}. Without it MoveBack
     * stays on the safe side.
     */
    private OffsetSyncStore outboundSyncs(Map<MessageQueue, Long> copyBackStart) throws Exception {
        long deadline = System.currentTimeMillis() + SYNC_LOG_WAIT_MILLIS;
        while (true) {
            OffsetSyncStore store = new OffsetSyncStore();
            OffsetSyncLog.load(config.cluster(standby), home, store);
            boolean complete = copyBackStart.entrySet().stream().allMatch(end -> end.getValue() == 0
                || store.newestSource(end.getKey()).orElse(-1) >= end.getValue() - 1);
            if (complete || System.currentTimeMillis() > deadline) {
                return store;
            }
            Thread.sleep(1_000);
        }
    }

    private static Set<String> groupsToMove(ClusterAdmin standbyAdmin, BackupConfig backup, List<String> groups)
        throws Exception {
        if (!groups.isEmpty()) {
            return new LinkedHashSet<>(groups);
        }
        Set<String> reading = new LinkedHashSet<>();
        for (String topic : backup.topics()) {
            for (String group : standbyAdmin.groupsReading(topic)) {
                if (Checkpointer.isApplicationGroup(group)) {
                    reading.add(group);
                }
            }
        }
        return reading;
    }

    private void sayMoves(String group, List<MoveBack.Position> positions) {
        if (positions.isEmpty()) {
            say.accept("  " + group + ": consumed nothing on " + standby + "; left as it is on " + home);
            return;
        }
        for (MoveBack.Position p : positions) {
            say.accept(String.format("  %s: %s queue %d on %s: resumes at %,d (end %,d: %,d to read)", group,
                p.queue().getTopic(), p.queue().getQueueId(), home, p.resumeAt(), p.end(), p.end() - p.resumeAt()));
        }
    }

    private static Map<MessageQueue, Long> committed(ClusterAdmin admin, String group, List<String> topics)
        throws Exception {
        Map<MessageQueue, Long> committed = new LinkedHashMap<>();
        for (String topic : topics) {
            for (MessageQueue queue : admin.queues(topic)) {
                OptionalLong offset = admin.committedOffset(group, queue);
                if (offset.isPresent()) {
                    committed.put(queue, offset.getAsLong());
                }
            }
        }
        return committed;
    }

    /** Messages below {@code ends} that {@code group} has not committed past (copied, or skipped as A's copies). */
    private static long notPassed(ClusterAdmin admin, String group, Map<MessageQueue, Long> ends) throws Exception {
        long left = 0;
        for (Map.Entry<MessageQueue, Long> end : ends.entrySet()) {
            left += Math.max(0, end.getValue() - admin.committedOffset(group, end.getKey()).orElse(0));
        }
        return left;
    }

    private static Map<MessageQueue, Long> ends(ClusterAdmin admin, List<String> topics) throws Exception {
        Map<MessageQueue, Long> ends = new LinkedHashMap<>();
        for (String topic : topics) {
            for (MessageQueue queue : admin.queues(topic)) {
                ends.put(queue, admin.maxOffset(queue));
            }
        }
        return ends;
    }

    private static long backlog(ClusterAdmin admin, String group, List<String> topics) throws Exception {
        return LinkProgress.of(admin.consumeStats(group, topics), topics, System.currentTimeMillis()).backlog();
    }

    private interface Count {
        long get() throws Exception;
    }

    /** Waits for {@code count} to reach 0, saying how far it is every few seconds. */
    private void awaitZero(Count count, Duration timeout, String what, String hint) throws Exception {
        long start = System.currentTimeMillis();
        long lastSaid = start;
        while (true) {
            long left = count.get();
            if (left == 0) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now - start > timeout.toMillis()) {
                throw new IllegalStateException(what + ": " + (left == Long.MAX_VALUE ? "no progress reported" : left
                    + " message(s) left") + " after " + timeout.toSeconds() + " s; " + hint);
            }
            if (now - lastSaid >= PROGRESS_EVERY_MILLIS) {
                say.accept(String.format("%s: %,d left", what, left));
                lastSaid = now;
            }
            Thread.sleep(500);
        }
    }
}
