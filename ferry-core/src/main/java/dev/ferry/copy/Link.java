package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.SigningKey;
import dev.ferry.config.StartFrom;
import dev.ferry.offsets.OffsetSyncLog;
import dev.ferry.offsets.OffsetSyncStore;
import io.micrometer.core.instrument.Timer;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.exception.RemotingException;
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
 */
public final class Link implements QueueCopier.LinkParts, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Link.class);
    private static final DateTimeFormatter CONSUME_TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    /** Headroom under the target's maxMessageSize for the batch's own framing. */
    private static final int BATCH_HEADROOM_BYTES = 16 * 1024;
    /** How long a push consumer's pull may wait at the broker (the client's fixed 15 s), with some slack. */
    private static final long LONG_POLL_HOLD_MILLIS = 17_000;
    /** A pull out this long was held by the broker: one that finds messages returns in milliseconds. */
    private static final long HELD_PULL_MIN_MILLIS = 1_000;
    /** How often a link whose clusters do not answer at start tries again. */
    private static final long START_RETRY_MILLIS = 5_000;
    /** How often the link asks its source for its group's progress, to notice it going and coming back. */
    private static final long REACH_PROBE_MILLIS = 2_000;
    /** How often the link looks for source brokers whose master is down, to read their queues from slaves. */
    private static final long SLAVE_READS_MILLIS = 1_000;
    /** Reasons a retrying link's status names at most. */
    private static final int MAX_REASONS = 3;

    private final BackupConfig backup;
    private final ClusterConfig source;
    private final ClusterConfig target;
    private final ClusterAdmin sourceAdmin;
    private final ClusterAdmin targetAdmin;
    private final CopySettings settings;
    private final String name;
    private final String group;
    private final LinkStats stats = new LinkStats();
    private final OffsetSyncStore offsetSyncs = new OffsetSyncStore();
    private volatile OffsetSyncLog offsetSyncLog;
    private final OriginStamp stamp;
    private final TargetTopics topics;
    private final TargetSender sender;
    private final DeadLetters deadLetters;
    private final DefaultMQPushConsumer consumer;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final SourceReach reach = new SourceReach();
    /** Null for a link without heartbeats (a failback's copy back, a source that refuses their topic). */
    private volatile Heartbeats heartbeats;
    /** Which of the target's brokers did not answer the last probe, while others did; null while all do. */
    private volatile String targetPartlyDown;
    /** Why the target did not answer the last probe; null while it does. */
    private volatile String targetDown;
    /**
     * When the target last acknowledged a send (System.nanoTime), in all and per broker: a probe begun before
     * cannot say it is down. On a busy machine the probe's call may time out while the broker takes copies.
     */
    private volatile long lastTargetAnswerNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private final Map<String, Long> lastAnswerByBroker = new ConcurrentHashMap<>();
    private volatile long startedAtMillis;
    private final ScheduledExecutorService reachProbe;
    /** Reads the queues of source brokers whose master is down from their slaves. */
    private final SlaveReads slaveReads;
    /** Whether the source still lets the link read its topics (a revoked right, under ACL). */
    private final SourceRights sourceRights;
    private final ScheduledExecutorService slaveReader;
    private volatile int maxBatchBytes;
    private volatile boolean stopping;
    private volatile boolean started;
    /** Why the link has not started yet, while it waits for its clusters; null otherwise. */
    private volatile String waitingFor;
    /** Why the link could not start, for good; null otherwise. */
    private volatile String failure;
    private volatile String loopCheck;
    /** The subscription is SQL-92: the broker passes over messages, and the backlog it reports counts them. */
    private volatile boolean filteredAtBroker;
    private final boolean loopPossible;
    /** Stamps are signed, and only signed ones trusted: the loop check needs Ferry, the broker cannot verify. */
    private final boolean signed;

    /**
     * @param loopPossible whether copies can come back to the source from the target (two-way, rings): then
     *                     the loop check runs on the source broker, where it can
     * @param heartbeat    whether the link writes and copies heartbeats (see {@link Heartbeats})
     * @param signingKey   the deployment's key to sign stamps with and check them against; empty: every stamp
     *                     is trusted (see {@link OriginStamp})
     */
    public Link(BackupConfig backup, ClusterAdmin sourceAdmin, ClusterAdmin targetAdmin, CopySettings settings,
                boolean loopPossible, boolean heartbeat, Optional<SigningKey> signingKey) {
        this.backup = backup;
        this.loopPossible = loopPossible;
        this.signed = signingKey.isPresent();
        this.source = sourceAdmin.cluster();
        this.target = targetAdmin.cluster();
        this.sourceAdmin = sourceAdmin;
        this.targetAdmin = targetAdmin;
        this.settings = settings;
        this.name = backup.name() + ": " + source.name() + " -> " + target.name();
        this.group = groupOf(backup.name(), target.name());
        this.stamp = new OriginStamp(source.name(), source.stamp(),
            signingKey.map(key -> new StampSignature(key.hmacKey())));
        this.topics = new TargetTopics(sourceAdmin, targetAdmin, backup.targetTopic(), offsetSyncs::targetOf);
        this.sender = new TargetSender(group, target, settings, stats, name);
        this.deadLetters = new DeadLetters(backup.name(), target.name(), sourceAdmin);
        this.heartbeats = heartbeat ? new Heartbeats(group, sourceAdmin) : null;
        this.maxBatchBytes = settings.batchBytes();
        QueueCopier copier = new QueueCopier(this);
        this.consumer = newConsumer(copier);
        this.slaveReads = new SlaveReads(this, copier, consumer.getDefaultMQPushConsumerImpl(), group);
        this.sourceRights = new SourceRights(this, consumer.getDefaultMQPushConsumerImpl(), group);
        this.reachProbe = daemonScheduler("ferry-reach-" + group);
        this.slaveReader = daemonScheduler("ferry-slave-reads-" + group);
    }

    /** The consumer group, on the source cluster, that holds a link's progress. */
    public static String groupOf(String backupName, String targetCluster) {
        return BackupConfig.groupOf(backupName, targetCluster);
    }

    private static ScheduledExecutorService daemonScheduler(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    private DefaultMQPushConsumer newConsumer(QueueCopier copier) {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group, ClusterClients.rpcHook(source));
        ClusterClients.configure(c, source, "link");
        c.setMessageListener(copier);
        c.setConsumeMessageBatchMaxSize(settings.batchMessages());
        c.setPullBatchSize(settings.batchMessages());
        c.setPullThresholdSizeForTopic(Math.max(1, settings.maxInFlightMiB() / backup.topics().size()));
        c.setPullThresholdForTopic(Math.max(settings.batchMessages(), 64 * settings.batchMessages()));
        c.setPersistConsumerOffsetInterval((int) settings.commitInterval().toMillis());
        // The heartbeat that tells the broker a rebalanced subscription is skipped when another heartbeat is
        // running (a race in the client); until the next one the broker answers every pull with "subscription
        // not latest". A 5 s heartbeat bounds that stall at 5 s instead of 30 s.
        c.setHeartbeatBrokerInterval(5_000);
        // A source broker that comes back (or is added) is read from the next rebalance after the client sees
        // its route: polled every 5 s rather than 30, its backlog starts within about 25 s, not 50.
        c.setPollNameServerInterval(5_000);
        // An orderly listener that fails is retried in place, never sent to the group's DLQ.
        c.setMaxReconsumeTimes(-1);
        // New queues that appear later (a topic grown) start where the backup says; queues present at start
        // are set exactly by StartPositions.
        StartFrom startFrom = backup.startFrom();
        switch (startFrom.position()) {
            case EARLIEST -> c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            case LATEST -> c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
            case INSTANT -> {
                c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
                c.setConsumeTimestamp(CONSUME_TIMESTAMP.format(startFrom.instant().atZone(ZoneId.systemDefault())));
            }
        }
        return c;
    }

    /**
     * Prepares the groups and topics and starts copying; returns once the consumer runs. When the source or
     * the target does not answer (a region down while Ferry restarts), the link waits instead, trying again
     * every few seconds, and starts by itself once both answer: the other links of the process run meanwhile.
     * Anything else that stops it (a filter the source cannot evaluate, refused credentials) is thrown.
     */
    public void start() throws Exception {
        try {
            startNow();
        } catch (Exception e) {
            if (!unreachable(e)) {
                throw e;
            }
            waitingFor = SendFailure.describe(e);
            LOG.warn("{}: cannot start yet, a cluster does not answer ({}); trying again every {} s", name, waitingFor,
                START_RETRY_MILLIS / 1000);
            reachProbe.schedule(this::retryStart, START_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void retryStart() {
        try {
            startNow();
            LOG.info("{}: started after waiting for its clusters", name);
            waitingFor = null;
        } catch (Exception e) {
            if (stopping) {
                return;
            }
            if (unreachable(e)) {
                waitingFor = SendFailure.describe(e);
                reachProbe.schedule(this::retryStart, START_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                failure = SendFailure.describe(e);
                LOG.error("{}: cannot start: {}", name, failure, e);
            }
        }
    }

    /** A source that answers, but not yet about the link's topics (routes not back after a restart). */
    private static final class NotReady extends Exception {
        NotReady(String message) {
            super(message);
        }
    }

    /** A cluster that does not answer, or not yet fully, as opposed to one that answers no. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RemotingException || t instanceof NotReady || t instanceof ClusterAdmin.MasterDown) {
                return true;
            }
        }
        return false;
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
        if (heartbeats != null) {
            prepareHeartbeats();
        }
        maxBatchBytes = Math.max(1, Math.min(settings.batchBytes(), targetAdmin.maxMessageSize() - BATCH_HEADROOM_BYTES));
        MessageSelector selector = selector();
        if (offsetSyncLog == null) {
            offsetSyncLog = new OffsetSyncLog(targetAdmin, source.name());
        }
        int loaded = OffsetSyncLog.load(target, source.name(), offsetSyncs);
        if (loaded > 0) {
            LOG.info("{}: {} offset sync(s) read back from {}", name, loaded, OffsetSyncLog.TOPIC);
        }
        // Read before the consumer starts, so that it counts what the source holds, not what is left of it. A
        // source just restarted answers before its topics' routes are back: the link waits for them as well.
        if (!probeSource()) {
            throw new NotReady("source '" + source.name() + "' does not report the group's progress yet: "
                + reach.why());
        }
        sender.start();
        deadLetters.start();
        for (String topic : backup.topics()) {
            consumer.subscribe(topic, selector);
        }
        if (heartbeats != null) {
            consumer.subscribe(Heartbeats.TOPIC, heartbeats.tag());
        }
        consumer.start();
        startedAtMillis = System.currentTimeMillis();
        started = true;
        if (heartbeats != null) {
            heartbeats.start();
        }
        LOG.info("{}: copying {} (group {} on {}, start {}, loop check on the {})", name, backup.topics(), group,
            source.name(), backup.startFrom(), loopCheck);
        reachProbe.scheduleWithFixedDelay(this::probe, REACH_PROBE_MILLIS, REACH_PROBE_MILLIS,
            TimeUnit.MILLISECONDS);
        slaveReader.scheduleWithFixedDelay(this::readFromSlaves, SLAVE_READS_MILLIS, SLAVE_READS_MILLIS,
            TimeUnit.MILLISECONDS);
    }

    private void readFromSlaves() {
        try {
            slaveReads.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: reading from source slaves failed: {}", name, SendFailure.describe(e), e);
        }
    }

    /**
     * Creates the heartbeat topic on the source and starts a new link at its end (older heartbeats say nothing
     * about it). A source that refuses the topic (permissions) costs the link its heartbeats, not its copying.
     */
    private void prepareHeartbeats() throws Exception {
        try {
            heartbeats.prepareTopic();
            StartPositions.initialise(sourceAdmin, group, List.of(Heartbeats.TOPIC), StartFrom.LATEST);
        } catch (Exception e) {
            if (unreachable(e)) {
                throw e;
            }
            LOG.warn("{}: no heartbeats: source '{}' refuses topic {} ({}); copying goes on, its delay is measured"
                + " on business traffic only", name, source.name(), Heartbeats.TOPIC, SendFailure.describe(e));
            heartbeats.close();
            heartbeats = null;
        }
    }

    private void probe() {
        if (probeSource()) {
            sourceRights.check();
        }
        probeTarget();
    }

    /**
     * Asks the target's NameServer and brokers whether they answer: with no traffic to send, a dead target would
     * otherwise show only when the next message arrives. One line when it goes, one when it is back.
     */
    private void probeTarget() {
        long probeStarted = System.nanoTime();
        try {
            List<String> silent = new ArrayList<>(targetAdmin.ping());
            silent.removeIf(broker -> lastAnswerByBroker.getOrDefault(broker, probeStarted - 1) - probeStarted > 0);
            if (targetDown != null) {
                LOG.info("{}: target '{}' answers again", name, target.name());
                targetDown = null;
            }
            String partly = silent.isEmpty() ? null : "broker(s) " + String.join(", ", silent) + " of target '"
                + target.name() + "' do not answer: the queues mapped to them wait, the others copy";
            if (!Objects.equals(partly, targetPartlyDown)) {
                if (partly != null) {
                    LOG.warn("{}: {}", name, partly);
                } else {
                    LOG.info("{}: every broker of target '{}' answers again", name, target.name());
                }
            }
            targetPartlyDown = partly;
        } catch (Exception e) {
            if (lastTargetAnswerNanos - probeStarted > 0) {
                return; // the target took a batch while this probe waited: it answers
            }
            targetPartlyDown = null;
            String why = SendFailure.describe(e);
            if (targetDown == null) {
                LOG.warn("{}: target '{}' does not answer ({}); copies wait on the source until it is back", name,
                    target.name(), why);
            }
            targetDown = why;
        }
    }

    /**
     * Asks the source for the group's progress: one line when the source stops answering, one when it answers
     * again, with what it holds that is not yet copied (see {@link SourceReach}).
     */
    private boolean probeSource() {
        long backlog;
        try {
            backlog = LinkProgress.of(sourceAdmin.consumeStats(group, backup.topics()), backup.topics(),
                System.currentTimeMillis(), queue -> false).backlog();
        } catch (Exception e) {
            String why = SendFailure.describe(e);
            if (reach.lost(why) == SourceReach.Change.LOST) {
                LOG.warn("{}: source '{}' does not answer ({}); what it holds waits there and is copied once it is"
                    + " back", name, source.name(), why);
            }
            return false;
        }
        SourceReach.Change change = reach.reached(backlog);
        if (change == SourceReach.Change.BACK || change == SourceReach.Change.FIRST_REACHED && backlog > 0) {
            // Through a broker-side filter the link reads past messages it does not copy: the figure counts them.
            LOG.info("{}: source '{}' {}: it holds {} message(s) not yet {}", name, source.name(),
                change == SourceReach.Change.BACK ? "is back" : "reached", backlog,
                filteredAtBroker ? "read by this link (its filter passes over some)" : "copied");
        }
        return true;
    }

    /**
     * The link's subscription. Where copies can come back and the source's brokers evaluate SQL-92, the loop
     * check runs there and the copies it drops never cross the network (see {@link LoopFilter}); elsewhere
     * the link takes every message (or every one the backup's filter takes) and Ferry drops loops itself — it
     * always checks. With a signing key the broker never drops on {@code FERRY_PATH}: it cannot tell a signed
     * path from a forged one, and would pass over a forged one silently; Ferry verifies, then drops or copies.
     * A backup filter needs SQL-92 on the broker either way.
     */
    private MessageSelector selector() throws Exception {
        boolean sql92 = sourceAdmin.propertyFilterEnabled();
        if (sql92 && loopPossible && !signed) {
            loopCheck = "broker";
            filteredAtBroker = true;
            return MessageSelector.bySql(LoopFilter.subscription(backup.filter(), target.name()));
        }
        if (sql92 && backup.filter() != null) {
            loopCheck = "ferry";
            filteredAtBroker = true;
            return MessageSelector.bySql(backup.filter());
        }
        if (backup.filter() != null) {
            throw new IllegalStateException("backup '" + backup.name() + "': its filter needs SQL-92 on the brokers of '"
                + source.name() + "', which do not have enablePropertyFilter=true (set it in broker.conf and restart"
                + " the brokers, or remove the filter)");
        }
        loopCheck = "ferry";
        if (loopPossible && signed) {
            LOG.info("{}: stamps are signed: copies that would loop are pulled and dropped by Ferry, which verifies"
                + " their signature (the broker could not, and would pass over forged paths unseen)", name);
        } else if (loopPossible) {
            LOG.info("{}: the brokers of '{}' do not have enablePropertyFilter=true; copies that would loop are"
                + " pulled and dropped by Ferry", name, source.name());
        }
        return MessageSelector.byTag("*");
    }

    /**
     * Stops cleanly: no new batch starts, batches in flight finish (or give up their queue), the committed
     * offsets are written to the source, and then the consumer leaves the group so others take over.
     */
    @Override
    public void close() {
        stopping = true;
        reachProbe.shutdownNow();
        slaveReader.shutdownNow();
        if (heartbeats != null) {
            heartbeats.close();
        }
        boolean wasStarted;
        synchronized (this) { // a start in progress finishes first, so that what it started is stopped below
            wasStarted = started;
        }
        if (wasStarted) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inProgress.get() > 0 && System.nanoTime() < deadline) {
                sleepQuietly(20);
            }
            consumer.getDefaultMQPushConsumerImpl().persistConsumerOffset();
            consumer.shutdown();
        }
        List<AutoCloseable> producers = new ArrayList<>(List.of(sender, deadLetters));
        if (offsetSyncLog != null) {
            producers.add(offsetSyncLog);
        }
        ClusterClients.closeAll(producers);
        LOG.info("{}: stopped after copying {} message(s)", name, stats.copied.sum());
    }

    /** What the link has done and how far behind it is, read from the source cluster now. */
    public LinkStatus status() {
        if (started && !stopping) {
            forgetQueuesNotOwned();
        }
        long backlog = -1;
        long delayMillis = -1;
        String error = null;
        try {
            long now = System.currentTimeMillis();
            LinkProgress progress = LinkProgress.of(sourceAdmin.consumeStats(group, backup.topics()), backup.topics(), now,
                queue -> caughtUp(queue, now));
            backlog = progress.backlog();
            delayMillis = progress.delayMillis();
        } catch (Exception e) {
            error = "source '" + source.name() + "' did not report progress: " + SendFailure.describe(e);
        }
        long now = System.currentTimeMillis();
        Heartbeats beats = heartbeats;
        String stalled = beats == null || !started ? null : HeartbeatCheck.stalled(now, startedAtMillis,
            beats.lastWrittenMillis(), stats.lastHeartbeatCopiedMillis, copiesHeartbeats());
        String down = targetDown;
        LinkState state;
        String why;
        if (failure != null) {
            state = LinkState.FAILED;
            why = "cannot start: " + failure;
        } else if (!started) {
            state = stopping ? LinkState.STOPPED : LinkState.STARTING;
            why = waitingFor == null ? null : "waiting for its clusters: " + waitingFor;
        } else if (stopping) {
            state = LinkState.STOPPED;
            why = null;
        } else if (!stats.blocked.isEmpty()) {
            state = LinkState.BLOCKED;
            why = stats.blocked.values().iterator().next();
        } else if (error != null) {
            state = LinkState.UNREACHABLE;
            why = error;
        } else if (down != null) {
            state = LinkState.UNREACHABLE;
            why = "target '" + target.name() + "' does not answer: " + down;
        } else if (!stats.troubled.isEmpty() || targetPartlyDown != null) {
            state = LinkState.RETRYING;
            why = retryReasons(targetPartlyDown, stats.troubled.values());
        } else if (stalled != null) {
            state = LinkState.STALLED;
            why = stalled;
        } else {
            state = backlog > settings.batchMessages() * 8L ? LinkState.CATCHING_UP : LinkState.RUNNING;
            why = slaveReads.describe();
        }
        long heartbeatDelay = stats.lastHeartbeatDelayMillis;
        long lastHeartbeat = stats.lastHeartbeatCopiedMillis;
        if (backlog == 0 && heartbeatDelay >= 0) {
            // Nothing waits: the link is as far behind as its newest heartbeat took to get through.
            delayMillis = heartbeatDelay;
        }
        return new LinkStatus(backup.name(), source.name(), target.name(), group, state, why,
            loopCheck, stats.received.sum(), stats.copied.sum(), stats.copiedBytes.sum(), stats.skippedLoop.sum(),
            stats.skippedAtSource.sum(), stats.deadLettered.sum(),
            stats.retries.sum(), backlog, delayMillis, stats.lastError.get(), error == null, reach.heldOnReturn(),
            down == null, stats.heartbeats.sum(), heartbeatDelay, lastHeartbeat == 0 ? -1 : now - lastHeartbeat,
            started && !stopping ? inFlightBytes() : 0, stats.unconfirmed.sum(), slaveReads.brokers(),
            stats.forgedStamps.sum());
    }

    /**
     * The distinct reasons the link retries, the target's silent brokers first, at most three: a target broker
     * down must not hide a source broker whose queues wait for their master.
     */
    static String retryReasons(String targetPartlyDown, Collection<String> troubles) {
        Set<String> reasons = new LinkedHashSet<>();
        if (targetPartlyDown != null) {
            reasons.add(targetPartlyDown);
        }
        reasons.addAll(troubles);
        List<String> shown = reasons.stream().limit(MAX_REASONS).toList();
        String more = reasons.size() > shown.size() ? " (and " + (reasons.size() - shown.size()) + " more)" : "";
        return String.join("; ", shown) + more;
    }

    /** Whether this process holds the link's heartbeat queue (with several processes, one of them does). */
    private boolean copiesHeartbeats() {
        for (var entry : consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().entrySet()) {
            if (entry.getKey().getTopic().equals(Heartbeats.TOPIC) && !entry.getValue().isDropped()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records each copy's delay, from its origin store time to the target's acknowledgement, into
     * {@code timer} (a histogram of the metrics).
     */
    public void recordDelaysIn(Timer timer) {
        stats.copyDelay = timer;
    }

    /**
     * True when what the broker still counts as this queue's backlog is only messages the link's SQL-92
     * subscription (loop check, backup filter) passes over. The broker holds a pull only when it found nothing at the pull's offset, and
     * wakes it as soon as a matching message arrives; so a pull out for a second or more, with everything
     * pulled before it copied, means all that arrived since does not match. Before the queue's first delivery
     * in this process nothing is assumed. (A pull retried after an error also waits, up to 3 s: the backlog
     * may then read 0 that long too early. It is a status figure; copying does not depend on it.)
     */
    private boolean caughtUp(MessageQueue queue, long nowMillis) {
        if (!filteredAtBroker || stopping || !stats.nextDelivered.containsKey(queue)) {
            return false;
        }
        ProcessQueue pq = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().get(queue);
        if (pq == null || pq.isDropped() || pq.getMsgCount().get() != 0) {
            return false;
        }
        long pullAge = nowMillis - pq.getLastPullTimestamp();
        return pullAge >= HELD_PULL_MIN_MILLIS && pullAge < LONG_POLL_HOLD_MILLIS;
    }

    /**
     * Message bytes this process holds for the link: pulled from the source and not yet acknowledged by the
     * target. RocketMQ's pull flow control keeps it near {@code maxInFlightMiB} (at least about 2 MiB per queue:
     * the client's smallest threshold is 1 MiB, checked in whole MiB), however large the backlog on the source.
     */
    public long inFlightBytes() {
        long bytes = 0;
        for (ProcessQueue queue : consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable()
            .values()) {
            bytes += queue.getMsgSize().get();
        }
        return bytes;
    }

    // --- what the copier needs (QueueCopier.LinkParts) ---

    @Override
    public String name() {
        return name;
    }

    public String group() {
        return group;
    }

    public String backupName() {
        return backup.name();
    }

    @Override
    public String sourceCluster() {
        return source.name();
    }

    @Override
    public String targetCluster() {
        return target.name();
    }

    @Override
    public OriginStamp stamp() {
        return stamp;
    }

    @Override
    public TargetTopics topics() {
        return topics;
    }

    @Override
    public TargetSender sender() {
        return sender;
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public LinkStats stats() {
        return stats;
    }

    @Override
    public CopySettings settings() {
        return settings;
    }

    @Override
    public OnError onError() {
        return backup.onError();
    }

    @Override
    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    @Override
    public boolean enter() {
        inProgress.incrementAndGet();
        if (stopping) {
            inProgress.decrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    public void exit() {
        inProgress.decrementAndGet();
    }

    @Override
    public void synced(MessageQueue source, MessageQueue target, long[] sourceOffsets, long firstTargetOffset) {
        for (int i = 0; i < sourceOffsets.length; i++) {
            offsetSyncs.record(source, target, sourceOffsets[i], firstTargetOffset + i);
        }
        // The log keeps only the newest sync of a queue until it writes: the batch's last is the one it would keep.
        OffsetSyncLog log = offsetSyncLog;
        int last = sourceOffsets.length - 1;
        if (log != null && last >= 0) {
            log.offer(source, target, sourceOffsets[last], firstTargetOffset + last);
        }
    }

    /** Where this process's copies of each source queue landed: what checkpoints translate with. */
    public OffsetSyncStore offsetSyncs() {
        return offsetSyncs;
    }

    @Override
    public void advance(MessageQueue source, long nextOffset) {
        consumer.getDefaultMQPushConsumerImpl().getOffsetStore().updateOffset(source, nextOffset, true);
    }

    @Override
    public void targetAnswered(String brokerName) {
        long now = System.nanoTime();
        lastTargetAnswerNanos = now;
        lastAnswerByBroker.put(brokerName, now);
        if (targetDown != null) {
            targetDown = null;
            LOG.info("{}: target '{}' answers again (it took a batch)", name, target.name());
        }
    }

    @Override
    public long nextOffset(MessageQueue source) {
        return consumer.getDefaultMQPushConsumerImpl().getOffsetStore().readOffset(source,
            ReadOffsetType.READ_FROM_MEMORY);
    }

    /**
     * Held, and with a lock on the source broker that has not expired by the client's reckoning: the client
     * renews its locks every 20 s and counts one expired 30 s after the last renewal, before the broker
     * (60 s by default) can give the queue to another process. So a process cut off from the source stops
     * sending a queue before anyone else may start.
     */
    @Override
    public boolean owns(MessageQueue source) {
        if (stopping) {
            return false;
        }
        ProcessQueue queue = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().get(source);
        return queue != null && !queue.isDropped() && queue.isLocked() && !queue.isLockExpired();
    }

    /** The source queues this process copies now. */
    private Set<MessageQueue> ownedQueues() {
        Set<MessageQueue> owned = new HashSet<>();
        consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().forEach((queue, process) -> {
            if (!process.isDropped()) {
                owned.add(queue);
            }
        });
        return owned;
    }

    /**
     * Trouble of queues that moved to another process (or were never copied here again) is no longer this
     * link's to report: the state says what is true now.
     */
    private void forgetQueuesNotOwned() {
        Set<MessageQueue> owned = ownedQueues();
        stats.troubled.keySet().retainAll(owned);
        stats.blocked.keySet().retainAll(owned);
        sender.forgetAllBut(owned);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
