package dev.ferry.copy;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.PendingMessages;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Delivery;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.SigningKey;
import dev.ferry.names.FerryNames;
import dev.ferry.offsets.OffsetSyncLog;
import dev.ferry.offsets.OffsetSyncStore;
import dev.ferry.watermark.TargetWatermarks;
import dev.ferry.watermark.Watermarks;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of a backup: the backup's topics copied from a source cluster into a target cluster.
 * A one-way backup has one link; a two-way backup has two, one each way.
 *
 * <p>Progress lives in the source cluster, as the committed offsets of the link's consumer group
 * {@code ferry-<backup>-to-<target>}. That is what makes Ferry scale out and survive crashes without a store
 * of its own: every process running the same backup joins the group, RocketMQ's rebalancing gives each source
 * queue to one of them (locked on the broker, so order holds), and when a process dies the others take its
 * queues over from the last committed offset.
 *
 * <p>A link is a small coordinator of parts, each one idea:
 *
 * <pre>
 *   LinkConsumer   RocketMQ's push consumer, tuned for copying      ProcessQueues   its queues, locks, offsets
 *   LinkStartup    start now, or wait for the clusters              LinkSubscription where loops are dropped
 *   QueueCopier    source queue --&gt; target queue, in order           LinkTarget      topics, producer, limits
 *   SourceProbe, TargetProbe, SourceRights   do the clusters answer, does the source let it read
 *   SlaveReads     queues of a source master that is down           Heartbeats      a beat through the link
 *   LinkStats      what it did                                      LinkStateDecider what state that is
 *   LinkPause      an operator's pause
 * </pre>
 *
 * <p>An operator may {@link #pause} it and {@link #resume} it ({@link LinkPause}): nothing is lost or copied twice.
 */
public final class Link implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Link.class);
    /** A backlog over this many messages is a link catching up rather than running (a few batches' worth). */
    private static final long CATCHING_UP_ABOVE = 1_024;
    /** How long a stopping link waits for the batches in flight. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final BackupConfig backup;
    private final ClusterAdmin sourceAdmin;
    private final ClusterAdmin targetAdmin;
    private final CopySettings settings;
    private final String name;
    private final String group;
    private final boolean loopPossible;
    /** Stamps are signed, and only signed ones trusted: the loop check needs Ferry, the broker cannot verify. */
    private final boolean signed;
    private final LinkStats stats = new LinkStats();
    private final OffsetSyncStore offsetSyncs = new OffsetSyncStore();
    private final OffsetSyncRecorder syncs = new OffsetSyncRecorder(offsetSyncs);
    private final StopGate gate = new StopGate();
    private final TargetProbe targetProbe;
    private final SourceProbe sourceProbe;
    private final LinkTarget linkTarget;
    private final DeadLetters deadLetters;
    private final DefaultMQPushConsumer consumer;
    private final ProcessQueues queues;
    private final LockWaits lockWaits;
    private final SlaveReads slaveReads;
    private final SourceRights sourceRights;
    private final LinkStartup startup;
    private final LinkProbes probes;
    private final LinkPause pause;
    /** What of each queue the target holds already; null for at-least-once delivery. */
    private final TargetWatermarks watermarks;
    /** Null for a link without heartbeats (a failback's copy back, a source that refuses their topic). */
    private volatile Heartbeats heartbeats;
    /** The consumer's seat on this host (a client ID stable across restarts); taken at start, null before. */
    private LinkIdentity identity;
    /** Chosen at start; null before. */
    private volatile LinkSubscription subscription;
    private volatile ReadAhead readAhead;
    private volatile long startedAtMillis;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param loopPossible whether copies can come back to the source from the target (two-way, rings): then
     *                     the loop check runs on the source broker, where it can
     * @param heartbeat    whether the link writes and copies heartbeats (see {@link Heartbeats})
     * @param signingKey   the deployment's key to sign stamps with and check them against; empty: every stamp
     *                     is trusted (see {@link OriginStamp})
     */
    public Link(BackupConfig backup, ClusterAdmin sourceAdmin, ClusterAdmin targetAdmin, CopySettings settings,
                boolean loopPossible, boolean heartbeat, Optional<SigningKey> signingKey) {
        ClusterConfig source = sourceAdmin.cluster();
        ClusterConfig target = targetAdmin.cluster();
        this.backup = backup;
        this.sourceAdmin = sourceAdmin;
        this.targetAdmin = targetAdmin;
        this.settings = settings;
        this.loopPossible = loopPossible;
        this.signed = signingKey.isPresent();
        this.name = backup.name() + ": " + source.name() + " -> " + target.name();
        this.group = FerryNames.linkGroup(backup.name(), target.name());
        this.targetProbe = new TargetProbe(targetAdmin, name);
        this.sourceProbe = new SourceProbe(sourceAdmin, group, backup.topics(), name);
        TargetTopics topics = new TargetTopics(sourceAdmin, targetAdmin, backup.targetTopic(), offsetSyncs::targetOf);
        this.linkTarget = new LinkTarget(targetAdmin, topics, new TargetSender(group, target, settings, stats, name),
            targetProbe, settings.batchBytes());
        this.deadLetters = new DeadLetters(backup.name(), target.name(), sourceAdmin);
        this.heartbeats = heartbeat ? new Heartbeats(group, sourceAdmin) : null;
        Optional<StampSignature> signature = signingKey.map(key -> new StampSignature(key.hmacKey()));
        OriginStamp stamp = new OriginStamp(source.name(), source.stamp(), signature);
        this.consumer = LinkConsumer.create(group, source, settings, backup.topics().size(), backup.startFrom());
        this.queues = new ProcessQueues(consumer.getDefaultMQPushConsumerImpl(), group);
        this.lockWaits = new LockWaits(queues);
        this.pause = new LinkPause(name, source.name(), group, consumer, () -> started && !stopping);
        this.watermarks = backup.delivery() == Delivery.AT_LEAST_ONCE ? null : new TargetWatermarks(name,
            source.name(), target, settings.sendTimeout().toMillis(),
            properties -> signature.isEmpty() || signature.get().verifies(target.name(), properties),
            topics::targetFor, offsetSyncs::newestTarget, queues::tenure);
        QueueCopier copier = new QueueCopier(name, stamp, linkTarget, deadLetters, queues, syncs, stats, settings,
            backup.onError(), gate, watermarks == null ? Watermarks.OFF : watermarks);
        consumer.setMessageListener(pause.holding(copier));
        this.slaveReads = new SlaveReads(name, source.name(), copier, queues, stats, settings, gate, pause);
        this.sourceRights = new SourceRights(name, queues, stats);
        this.probes = new LinkProbes(name, group);
        this.startup = new LinkStartup(name, probes.scheduler(), this::startNow, List.of(source, target));
    }

    /**
     * Prepares the groups and topics and starts copying; returns once the consumer runs. When the source or
     * the target does not answer (a region down while Ferry restarts), the link waits instead, trying again
     * every few seconds, and starts by itself once both answer: the other links of the process run meanwhile.
     * Anything else that stops it (a filter the source cannot evaluate, refused credentials) is thrown.
     */
    public void start() throws Exception {
        startup.start();
    }

    /**
     * The start proper. Everything that asks a cluster comes first, so that a start that fails part way
     * (a cluster not answering) can be tried again: the clients this process starts are started last.
     */
    private synchronized void startNow() throws Exception {
        if (stopping || started) {
            return;
        }
        sourceAdmin.ensureGroup(group, true);
        StartPositions.initialise(sourceAdmin, group, backup.topics(), backup.startFrom());
        if (heartbeats != null && !heartbeats.prepare(name)) {
            heartbeats.close();
            heartbeats = null;
        }
        linkTarget.learnLimits();
        LinkSubscription chosen = LinkSubscription.choose(sourceSql92(), loopPossible, signed,
            backup.filter(), backup.name(), sourceAdmin.cluster().name(), targetAdmin.cluster().name());
        subscription = chosen;
        if (chosen.note() != null) {
            LOG.info("{}: {}", name, chosen.note());
        }
        if (syncs.log() == null) {
            syncs.writeTo(new OffsetSyncLog(targetAdmin, sourceAdmin.cluster().name()));
        }
        int loaded = OffsetSyncLog.load(targetAdmin.cluster(), sourceAdmin.cluster().name(), offsetSyncs);
        if (loaded > 0) {
            LOG.info("{}: {} offset sync(s) read back from {}", name, loaded, FerryNames.OFFSET_SYNCS_TOPIC);
        }
        // Read before the consumer starts, so that it counts what the source holds, not what is left of it. A
        // source just restarted answers before its topics' routes are back: the link waits for them as well.
        if (!sourceProbe.probe(chosen.filteredAtBroker())) {
            throw new LinkStartup.NotReady("source '" + sourceAdmin.cluster().name() + "' does not report the group's"
                + " progress yet: " + sourceProbe.why());
        }
        if (identity == null) {
            identity = LinkConsumer.takeSeat(consumer, group, sourceAdmin);
        }
        linkTarget.start();
        deadLetters.start();
        readAhead = LinkConsumer.start(consumer, sourceAdmin.cluster(), name, backup.topics(), chosen.selector(),
            heartbeats == null ? null : heartbeats.tag(), settings).orElse(null);
        startedAtMillis = System.currentTimeMillis();
        started = true;
        if (heartbeats != null) {
            heartbeats.start();
        }
        LOG.info("{}: copying {} (group {} on {}, start {}, loop check on the {}) as client {} of process {}", name,
            backup.topics(), group, sourceAdmin.cluster().name(), backup.startFrom(), chosen.loopCheck(),
            consumer.buildMQClientId(), HeldQueues.THIS_PROCESS);
        probes.start(() -> sourceProbe.probe(chosen.filteredAtBroker()), sourceRights, targetProbe, slaveReads);
        probes.readPendingEvery(SourceProbe.PENDING_EVERY, sourceProbe::askPending);
        probes.commitEvery(settings.commitInterval(), consumer.getDefaultMQPushConsumerImpl()::persistConsumerOffset);
    }

    /** What SQL-92 the source's brokers evaluate: the full loop check, asked of them, tells 5.x from 4.x. */
    private LinkSubscription.Sql92 sourceSql92() throws Exception {
        if (!sourceAdmin.brokers().propertyFilterEnabled()) {
            return LinkSubscription.Sql92.NONE;
        }
        return sourceAdmin.brokers().compiles(LoopFilter.notVisited(targetAdmin.cluster().name()))
            ? LinkSubscription.Sql92.FULL : LinkSubscription.Sql92.WITHOUT_STRING_OPERATORS;
    }

    /**
     * Stops reading from the source until {@link #resume} (see {@link LinkPause}): what was pulled already is copied
     * and committed, the queues stay held, heartbeats and status go on, so the backlog shows as it grows.
     *
     * @return false when it was paused already: nothing changed
     */
    public boolean pause() {
        return pause.pause();
    }

    /**
     * Reads on from the committed offsets.
     *
     * @return false when it was not paused: nothing changed
     */
    public boolean resume() {
        return pause.resume();
    }

    /** Whether an operator paused the link (and has not resumed it). */
    public boolean paused() {
        return pause.paused();
    }

    /**
     * Stops cleanly: no new batch starts, batches in flight finish (or give up their queue), the committed
     * offsets are written to the source, and then the consumer leaves the group so others take over.
     */
    @Override
    public void close() {
        stopping = true;
        gate.close();
        startup.close();
        probes.close();
        if (heartbeats != null) {
            heartbeats.close();
        }
        boolean wasStarted;
        synchronized (this) { // a start in progress finishes first, so that what it started is stopped below
            wasStarted = started;
        }
        if (wasStarted) {
            gate.awaitEmpty(STOP_WAIT);
            queues.commitAll();
            ClientShutdown.shutdown(consumer, consumer::shutdown);
        }
        List<AutoCloseable> producers = new ArrayList<>(List.of(linkTarget, deadLetters));
        if (syncs.log() != null) {
            producers.add(syncs.log());
        }
        if (watermarks != null) {
            producers.add(watermarks);
        }
        ClusterClients.closeAll(producers);
        if (identity != null) {
            identity.close();
        }
        LOG.info("{}: stopped after copying {} message(s)", name, stats.copied());
    }

    /** What the link has done and how far behind it is, read from the source cluster now. */
    public LinkStatus status() {
        boolean running = started && !stopping;
        Set<MessageQueue> held = running ? queues.held() : Set.of();
        if (running) {
            stats.retainQueues(held);
            linkTarget.forgetAllBut(held);
        }
        long backlog = -1;
        long delayMillis = -1;
        LinkProgress progress = null;
        String sourceError = null;
        try {
            long now = System.currentTimeMillis();
            progress = LinkProgress.of(sourceAdmin.consumeStats(group, backup.topics()), backup.topics(), now,
                queue -> caughtUp(queue, now), queue -> held.contains(queue) ? queues.nextOffset(queue) : -1);
            backlog = progress.backlog();
            delayMillis = progress.delayMillis();
        } catch (Exception e) {
            sourceError = "source '" + sourceAdmin.cluster().name() + "' did not report progress: "
                + SendFailure.describe(e);
        }
        long now = System.currentTimeMillis();
        Heartbeats beats = heartbeats;
        String stalled = beats == null || !started ? null : HeartbeatCheck.stalled(now,
            Math.max(startedAtMillis, pause.resumedAtMillis()),
            beats.lastWrittenMillis(), stats.lastHeartbeatCopiedMillis(), queues.holdsAnyOf(FerryNames.HEARTBEAT_TOPIC));
        List<String> retrying = new ArrayList<>(stats.retryReasons());
        if (running) {
            lockWaits.check(now).ifPresent(retrying::add);
        }
        LinkStateDecider.Decision decision = LinkStateDecider.decide(new LinkStateDecider.Facts(startup.failure(),
            started, stopping, startup.waitingFor(), stats.anyBlock().orElse(null), sourceError,
            targetAdmin.cluster().name(), targetProbe.down(), targetProbe.partlyDown(), retrying, stalled,
            backlog, CATCHING_UP_ABOVE, slaveReads.describe(), pause.reason()));
        long heartbeatDelay = stats.lastHeartbeatDelayMillis();
        long lastHeartbeat = stats.lastHeartbeatCopiedMillis();
        // A heartbeat acknowledged since 'now' was read is of age 0, not of a negative one.
        long heartbeatAge = lastHeartbeat == 0 ? -1 : Math.max(0, now - lastHeartbeat);
        if (progress != null) {
            delayMillis = LinkDelay.of(progress, heartbeatDelay, heartbeatAge, settings.batchMessages());
        }
        LinkSubscription chosen = subscription;
        PendingMessages pendingTimers = sourceProbe.pendingTimers(); // count and due time of one probe
        PendingMessages pendingDelayed = sourceProbe.pendingDelayed();
        return new LinkStatus(backup.name(), sourceAdmin.cluster().name(), targetAdmin.cluster().name(), group,
            decision.state(), decision.reason(), chosen == null ? null : chosen.loopCheck(), stats.received(),
            stats.copied(), stats.copiedBytes(), stats.skippedLoopCount(), stats.skippedAtSource(),
            stats.deadLetteredCount(), stats.retries(), backlog, delayMillis, stats.lastError(), sourceError == null,
            sourceProbe.heldOnReturn(), targetProbe.down() == null, stats.heartbeats(), heartbeatDelay,
            heartbeatAge, running ? inFlightBytes() : 0, stats.unconfirmedCount(),
            slaveReads.brokers(), stats.forgedStamps(), stats.skippedCopiedCount(),
            watermarks == null ? 0 : watermarks.undecided(), pendingTimers.count(),
            pendingTimers.oldestDueMillis(), pendingDelayed.count(), pendingDelayed.oldestDueMillis(),
            readAhead == null ? Map.of() : readAhead.depths(), linkTarget.warnings(),
            held(running, held));
    }

    /** The queues of {@code table} this process holds the source broker's lock for: its share of the group's. */
    private HeldQueues held(boolean running, Set<MessageQueue> table) {
        String clientId = identity == null ? null : consumer.buildMQClientId();
        if (!running) {
            return HeldQueues.none(clientId);
        }
        return HeldQueues.of(clientId, table.stream().filter(queues::owns).toList());
    }

    /**
     * True when what the broker still counts as this queue's backlog is only messages the link's SQL-92
     * subscription (loop check, backup filter) passes over: everything pulled before is copied, and the broker
     * holds the queue's pull, which it wakes as soon as a matching message arrives. Before the queue's first
     * delivery in this process nothing is assumed. (A pull retried after an error also waits, up to 3 s: the
     * backlog may then read 0 that long too early. It is a status figure; copying does not depend on it.)
     */
    private boolean caughtUp(MessageQueue queue, long nowMillis) {
        LinkSubscription chosen = subscription;
        return chosen != null && chosen.filteredAtBroker() && !stopping && stats.hasDelivered(queue)
            && queues.pullHeldAtBroker(queue, nowMillis);
    }

    /**
     * Records each copy's delay, from its origin store time to the target's acknowledgement, into
     * {@code timer} (a histogram of the metrics).
     */
    public void recordDelaysIn(Timer timer) {
        stats.recordDelaysIn(timer);
    }

    /**
     * Message bytes this process holds for the link: pulled from the source and not yet acknowledged by the
     * target. RocketMQ's pull flow control keeps it near {@code maxInFlightMiB} (at least about 2 MiB per queue:
     * the client's smallest threshold is 1 MiB, checked in whole MiB) and about two batches per queue
     * ({@link LinkConsumer}), however large the backlog on the source.
     */
    public long inFlightBytes() {
        return queues.pulledBytes();
    }

    public String name() {
        return name;
    }

    public String group() {
        return group;
    }

    public String backupName() {
        return backup.name();
    }

    public String sourceCluster() {
        return sourceAdmin.cluster().name();
    }

    public String targetCluster() {
        return targetAdmin.cluster().name();
    }

    /** Where this process's copies of each source queue landed: what checkpoints translate with. */
    public OffsetSyncStore offsetSyncs() {
        return offsetSyncs;
    }
}
