package dev.ferry.offsets;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offset syncs made durable in the target cluster, in the topic {@value FerryNames#OFFSET_SYNCS_TOPIC}: at most one per source queue
 * per second, the newest, and the newest of a queue always within about a second. A process that starts copying reads them back, so translating a consumer group that
 * lags behind what this process copied itself still works after a restart or a move of the queue, to within a
 * second of traffic. They live in the target because that is what survives the loss of the source; the topic's
 * retention bounds them.
 *
 * <pre>
 *   copier ---(every acknowledged message)---&gt; OffsetSyncStore (memory, exact near the live end)
 *          ---(newest per queue, once a second)---&gt; FERRY_OFFSET_SYNCS on the target ---(on start)---&gt; store
 * </pre>
 */
public final class OffsetSyncLog implements AutoCloseable {

    static final long EVERY_MILLIS = 1_000;
    /** How many of the newest syncs a starting link reads: minutes of hundreds of queues. */
    static final int TAIL = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(OffsetSyncLog.class);

    /**
     * One sync as it travels to the log: the copy of {@code source}'s message at {@code sourceOffset} is stored at
     * {@code targetOffset} of {@code target}.
     */
    record Sync(MessageQueue source, MessageQueue target, long sourceOffset, long targetOffset) {
    }

    private final String sourceCluster;
    private final String targetCluster;
    private final DefaultMQProducer producer;
    private final Map<MessageQueue, Long> lastWritten = new ConcurrentHashMap<>();
    /** Per source queue, the newest sync not yet written: the last of a burst is written a second later. */
    private final Map<MessageQueue, Sync> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    public OffsetSyncLog(ClusterAdmin target, String sourceCluster) throws Exception {
        this.sourceCluster = sourceCluster;
        this.targetCluster = target.cluster().name();
        target.ensureTopic(FerryNames.OFFSET_SYNCS_TOPIC, 1);
        ClusterConfig cluster = target.cluster();
        producer = ClusterClients.producer(FerryNames.OFFSET_SYNCS_GROUP, cluster);
        ClusterClients.configure(producer, cluster, "offset-syncs");
        ClusterClients.start(producer, cluster, producer::start);
        flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-offset-syncs-" + sourceCluster + "-to-" + targetCluster);
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(() -> flush(false), EVERY_MILLIS / 2, EVERY_MILLIS / 2, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the newest sync of a source queue: written now if the queue's last write is a second old or more,
     * else within a second, unless a newer one replaces it. So the log's newest sync of a queue is never more
     * than about a second behind the copies. Best effort: a lost write is followed by the next.
     */
    public void offer(MessageQueue source, MessageQueue target, long sourceOffset, long targetOffset) {
        pending.put(source, new Sync(source, target, sourceOffset, targetOffset));
        Long last = lastWritten.get(source);
        if (last == null || System.currentTimeMillis() - last >= EVERY_MILLIS) {
            writePending(source);
        }
    }

    private void flush(boolean all) {
        long now = System.currentTimeMillis();
        for (MessageQueue source : pending.keySet()) {
            Long last = lastWritten.get(source);
            if (all || last == null || now - last >= EVERY_MILLIS) {
                writePending(source);
            }
        }
    }

    private void writePending(MessageQueue source) {
        Sync sync = pending.remove(source);
        if (sync == null) {
            return;
        }
        lastWritten.put(source, System.currentTimeMillis());
        Message message = message(sourceCluster, targetCluster, sync);
        try {
            producer.sendOneway(message);
        } catch (Exception e) {
            LOG.debug("offset sync for {} not written: {}", source, e.getMessage());
        }
    }

    /**
     * A sync as it is stored in {@value FerryNames#OFFSET_SYNCS_TOPIC}: tagged with the source cluster, the two clusters
     * as properties, the body eight fields separated by one space, {@code <source topic> <source broker> <source
     * queue id> <source offset> <target topic> <target broker> <target queue id> <target offset>}. Every Ferry
     * version reads back what the ones before it wrote (a process taking queues over from an older one, in an
     * upgrade): a change here needs a migration step in the README.
     */
    static Message message(String sourceCluster, String targetCluster, Sync sync) {
        String body = String.join(" ", sync.source().getTopic(), sync.source().getBrokerName(),
            Integer.toString(sync.source().getQueueId()), Long.toString(sync.sourceOffset()), sync.target().getTopic(),
            sync.target().getBrokerName(), Integer.toString(sync.target().getQueueId()),
            Long.toString(sync.targetOffset()));
        Message message = new Message(FerryNames.OFFSET_SYNCS_TOPIC, sourceCluster, body.getBytes(StandardCharsets.UTF_8));
        message.putUserProperty(FerryNames.SYNC_SOURCE, sourceCluster);
        message.putUserProperty(FerryNames.SYNC_TARGET, targetCluster);
        return message;
    }

    /** The sync {@code message} holds if it is one of {@code sourceCluster} -> {@code targetCluster}'s. */
    static Optional<Sync> read(Message message, String sourceCluster, String targetCluster) {
        if (!sourceCluster.equals(message.getUserProperty(FerryNames.SYNC_SOURCE))
            || !targetCluster.equals(message.getUserProperty(FerryNames.SYNC_TARGET))) {
            return Optional.empty();
        }
        String[] f = new String(message.getBody(), StandardCharsets.UTF_8).split(" ");
        if (f.length != 8) {
            return Optional.empty();
        }
        return Optional.of(new Sync(new MessageQueue(f[0], f[1], Integer.parseInt(f[2])),
            new MessageQueue(f[4], f[5], Integer.parseInt(f[6])), Long.parseLong(f[3]), Long.parseLong(f[7])));
    }

    /**
     * Feeds {@code store} with the syncs of {@code sourceCluster} -> the target kept in the target, oldest first:
     * on a target of several brokers the log has a queue on each, read one after the other, so they are put in
     * the order they were stored.
     */
    public static int load(ClusterConfig target, String sourceCluster, OffsetSyncStore store) throws Exception {
        int loaded = 0;
        List<MessageExt> log = new ArrayList<>(TopicTail.read(target, FerryNames.OFFSET_SYNCS_TOPIC, TAIL));
        log.sort(Comparator.comparingLong(MessageExt::getStoreTimestamp));
        for (MessageExt message : log) {
            Optional<Sync> sync = read(message, sourceCluster, target.name());
            if (sync.isPresent()) {
                store.record(sync.get().source(), sync.get().target(), sync.get().sourceOffset(),
                    sync.get().targetOffset());
                loaded++;
            }
        }
        return loaded;
    }

    /** Writes what is pending, then stops. */
    @Override
    public void close() {
        flusher.shutdownNow();
        flush(true);
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
