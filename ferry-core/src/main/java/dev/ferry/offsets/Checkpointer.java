package dev.ferry.offsets;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.TopicMapping;
import dev.ferry.names.FerryNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every few seconds, translates the committed offsets of the consumer groups that read a link's topics on
 * the source into target offsets, with the link's {@link OffsetSyncStore}, and stores them as
 * {@link Checkpoint}s in the target ({@link CheckpointTopic}).
 *
 * <p>Groups that follow by themselves: where the link is the only writer of the target topic (a one-way
 * backup that no other backup of the configuration writes into), a group with no consumer online on the
 * target gets its committed offsets there moved forward to the checkpoint, and is created there first with
 * the source's settings. A standby application then only has to start. Never moved: a group live on the
 * target (its own progress wins), a group whose target offsets are already further, and any group of a shared
 * target topic (two-way, aggregation), where the target queue interleaves messages the source group never saw —
 * for those, {@code ferry failover} applies the checkpoint when an operator decides.
 */
public final class Checkpointer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** A checkpoint that says nothing new is still written this often, so its age shows it is alive. */
    private static final long REFRESH_MILLIS = 60_000;
    /** How long a stop waits for the round under way and the last one. */
    private static final int CLOSE_WAIT_SECONDS = 5;

    private final String name;
    private final BackupConfig backup;
    private final ClusterAdmin source;
    private final ClusterAdmin target;
    private final OffsetSyncStore syncs;
    private final boolean followGroups;
    private final long intervalMillis;
    private final Map<String, Checkpoint> lastWritten = new ConcurrentHashMap<>();
    /** Taken, written or not (an unchanged one is not written again): its age is the age of the progress seen. */
    private final Map<String, Checkpoint> lastTaken = new ConcurrentHashMap<>();
    /** Per key of {@link #lastTaken}: the group's lag on the translated queues when it was taken. */
    private final Map<String, Long> lagAtTaken = new ConcurrentHashMap<>();
    /** Groups this process gave the target the source's settings of (or tried to): once each. */
    private final Set<String> groupsOnTarget = ConcurrentHashMap.newKeySet();
    /** Groups (and topics) the last round could not checkpoint: logged once when it starts, once when it ends. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private CheckpointTopic topic;

    /**
     * @param followGroups whether groups not live on the target are moved there (only where this link is the
     *                     sole writer of its target topics)
     * @param interval     how often groups' progress is translated ({@code checkpointInterval} in the file)
     */
    public Checkpointer(String name, BackupConfig backup, ClusterAdmin source, ClusterAdmin target,
                        OffsetSyncStore syncs, boolean followGroups, Duration interval) {
        this.name = name;
        this.backup = backup;
        this.source = source;
        this.target = target;
        this.syncs = syncs;
        this.followGroups = followGroups;
        this.intervalMillis = interval.toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ferry-checkpoints-" + backup.name() + "-" + target.cluster().name());
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() throws Exception {
        topic = new CheckpointTopic(target);
        timer.scheduleWithFixedDelay(this::runQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** The newest checkpoint taken per group and source topic, for status. */
    public List<CheckpointStatus> status() {
        long now = System.currentTimeMillis();
        return lastTaken.entrySet().stream()
            .map(e -> CheckpointStatus.of(e.getValue(), now, lagAtTaken.getOrDefault(e.getKey(), -1L)))
            .sorted(Comparator.comparing(CheckpointStatus::group).thenComparing(CheckpointStatus::topic))
            .toList();
    }

    /** Only the scheduler's thread touches it. */
    private boolean roundsFailing;

    /** One line when checkpoints start failing (a source down), one when they work again; none per attempt. */
    private void runQuietly() {
        try {
            checkpointAll();
            if (roundsFailing) {
                roundsFailing = false;
                LOG.info("{}: checkpoints are taken again", name);
            }
        } catch (Exception e) {
            if (!roundsFailing) {
                roundsFailing = true;
                LOG.warn("{}: checkpoint failed: {}; trying again every {} ms", name, e.getMessage(), intervalMillis);
            }
        }
    }

    /** One round: every group of every topic; a group that cannot be checkpointed does not hold up the others. */
    void checkpointAll() throws Exception {
        Map<MessageQueue, Long> targetEnds = new HashMap<>();
        for (String sourceTopic : backup.topics()) {
            for (String group : groups(sourceTopic)) {
                String key = group + "|" + sourceTopic;
                try {
                    checkpoint(group, sourceTopic, targetEnds);
                    if (failing.remove(key)) {
                        LOG.info("{}: checkpoints of group {} on {} resumed", name, group, sourceTopic);
                    }
                } catch (Exception e) {
                    if (failing.add(key)) {
                        LOG.warn("{}: cannot checkpoint group {} on {}: {}; trying every {} ms", name, group,
                            sourceTopic, e.getMessage(), intervalMillis);
                    }
                }
            }
        }
    }

    private Set<String> groups(String topic) throws Exception {
        if (!backup.syncGroups().isEmpty()) {
            return Set.copyOf(backup.syncGroups());
        }
        Set<String> groups = new TreeSet<>();
        for (String group : source.groupsReading(topic)) {
            if (isApplicationGroup(group)) {
                groups.add(group);
            }
        }
        return groups;
    }

    /** Ferry's own groups, RocketMQ's system and tool groups are no application's progress. */
    public static boolean isApplicationGroup(String group) {
        return !FerryNames.isFerryGroup(group) && !MixAll.isSysConsumerGroup(group)
            && !group.equals(MixAll.TOOLS_CONSUMER_GROUP) && !group.startsWith("CID_RMQ_SYS_")
            && !group.equals(MixAll.DEFAULT_CONSUMER_GROUP);
    }

    /** @param targetEnds the target queues' ends, asked once per round */
    private void checkpoint(String group, String sourceTopic, Map<MessageQueue, Long> targetEnds) throws Exception {
        ConsumeStats stats = source.consumeStats(group, sourceTopic);
        List<Checkpoint.QueueCheckpoint> queues = new ArrayList<>();
        long lag = 0;
        for (Map.Entry<MessageQueue, OffsetWrapper> entry : stats.getOffsetTable().entrySet()) {
            MessageQueue queue = entry.getKey();
            long committed = entry.getValue().getConsumerOffset();
            if (!queue.getTopic().equals(sourceTopic) || committed < 0) {
                continue;
            }
            Optional<OffsetSyncStore.Translation> translated = translate(queue, committed, targetEnds);
            if (translated.isPresent()) {
                lag += Math.max(0, entry.getValue().getBrokerOffset() - committed);
            }
            translated.ifPresent(t -> queues.add(new Checkpoint.QueueCheckpoint(queue.getBrokerName(),
                queue.getQueueId(), committed, t.target().getBrokerName(), t.target().getQueueId(), t.targetOffset(),
                t.reReadAtMost())));
        }
        if (queues.isEmpty()) {
            return;
        }
        queues.sort(Comparator.comparing(Checkpoint.QueueCheckpoint::sourceBroker)
            .thenComparingInt(Checkpoint.QueueCheckpoint::sourceQueue));
        TopicMapping mapping = backup.targetTopic();
        Checkpoint checkpoint = new Checkpoint(backup.name(), source.cluster().name(), target.cluster().name(), group,
            sourceTopic, mapping.apply(sourceTopic, source.cluster().name(), target.cluster().name()),
            System.currentTimeMillis(), List.copyOf(queues), !followGroups);
        String key = group + "|" + sourceTopic;
        Checkpoint last = lastWritten.get(key);
        boolean due = !checkpoint.sameProgress(last) || checkpoint.time() - last.time() >= REFRESH_MILLIS;
        if (due) {
            groupOnTarget(group);
            topic.write(checkpoint);
            lastWritten.put(key, checkpoint);
        }
        // Shown once stored: status and /status say what a failover would read.
        lagAtTaken.put(key, lag);
        lastTaken.put(key, checkpoint);
        if (due && followGroups) {
            follow(checkpoint);
        }
    }

    /**
     * A group's progress on one source queue on the target: exact where a kept sync is below it; from the start
     * of the target queue where the group is behind every sync (a re-read, never a skip, and never nothing: a
     * target queue shared with other source queues resumes at the smallest of their translations, so leaving
     * this queue out would let the others move the group past copies it did not consume).
     */
    private Optional<OffsetSyncStore.Translation> translate(MessageQueue queue, long committed,
                                                           Map<MessageQueue, Long> targetEnds) throws Exception {
        Optional<OffsetSyncStore.Translation> translated = syncs.translate(queue, committed);
        if (translated.isPresent()) {
            MessageQueue targetQueue = translated.get().target();
            Long end = targetEnds.get(targetQueue);
            if (end == null) {
                end = target.maxOffset(targetQueue);
                targetEnds.put(targetQueue, end);
            }
            // Never past the target queue's end. Just after a send the end may lag (the broker indexes what it
            // stored a moment later: hundreds of messages on a busy broker); after the topic was deleted and
            // created again it is far below syncs that point into the old one. Either way the group resumes at the
            // end, which skips nothing, and may read again every copy from there up to the translation: they count
            // in its bound. (The syncs start anew with the first copy into a new topic: OffsetSyncStore.record.)
            //
            //   target:  ... [end] ..... [translated]     end lagging: the copies in between were consumed
            long beyond = translated.get().targetOffset() - end;
            if (beyond > 0) {
                return Optional.of(new OffsetSyncStore.Translation(targetQueue, end,
                    translated.get().reReadAtMost() + beyond));
            }
            return translated;
        }
        Optional<MessageQueue> targetQueue = syncs.targetOf(queue);
        return targetQueue.isEmpty() ? Optional.empty()
            : syncs.fromTargetStart(queue, target.minOffset(targetQueue.get()));
    }

    /**
     * Before a group's first checkpoint, in every mode: the group is created on the target with the source's
     * settings (orderly consumption, retries, broadcast...) where it is missing, so that whatever later moves its
     * offsets there (a failover, following) finds it as the applications know it, not as a default. A target that
     * refuses (a user without the right to create groups) is logged once; the checkpoint is written all the same,
     * and a failover creates the group with RocketMQ's defaults.
     */
    private void groupOnTarget(String group) {
        if (!groupsOnTarget.add(group)) {
            return;
        }
        try {
            SubscriptionGroupConfig settings = source.groupConfig(group);
            if (settings != null) {
                target.ensureGroupLike(settings);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("{}: group {} not created on {} with its settings on {} ({}); a failover there creates it with"
                + " RocketMQ's defaults", name, group, target.cluster().name(), source.cluster().name(),
                e.toString());
        }
    }

    /** Moves a group that is not live on the target forward to the checkpoint there. */
    private void follow(Checkpoint checkpoint) throws Exception {
        String group = checkpoint.group();
        if (target.brokers().onlineClients(group) > 0) {
            return;
        }
        SubscriptionGroupConfig settings = source.groupConfig(group);
        if (settings != null) {
            target.ensureGroupLike(settings);
        }
        for (Map.Entry<MessageQueue, Long> entry : checkpoint.resumeOffsets().entrySet()) {
            OptionalLong current = target.committedOffset(group, entry.getKey());
            if (current.isEmpty() || current.getAsLong() < entry.getValue()) {
                target.commitOffset(group, entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * Stops taking checkpoints. Called once the link has stopped (its in-flight copies sent, their syncs recorded),
     * it takes one last round first, so that a failover planned right after a clean stop starts from all that was
     * copied rather than from a round taken up to an interval earlier. A round under way finishes: a checkpoint being
     * written is not cut off. The last round is skipped while rounds fail (a cluster unreachable), and what is not
     * done within {@value #CLOSE_WAIT_SECONDS} s is given up.
     */
    @Override
    public void close() {
        if (topic != null && !timer.isShutdown()) {
            timer.execute(() -> {
                if (!roundsFailing) {
                    runQuietly();
                }
            });
        }
        timer.shutdown();
        try {
            if (!timer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{}: the last checkpoint round did not finish within {} s; the newest one written stands",
                    name, CLOSE_WAIT_SECONDS);
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (topic != null) {
            topic.close();
        }
    }
}
