package dev.ferry.offsets;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offset syncs made durable in the target cluster, in the topic {@value #TOPIC}: at most one per source queue
 * per second, the newest. A process that starts copying reads them back, so translating a consumer group that
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

    public static final String TOPIC = "FERRY_OFFSET_SYNCS";
    static final long EVERY_MILLIS = 1_000;
    /** How many of the newest syncs a starting link reads: minutes of hundreds of queues. */
    static final int TAIL = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(OffsetSyncLog.class);
    private static final String SOURCE_CLUSTER = "FERRY_SYNC_SOURCE";
    private static final String TARGET_CLUSTER = "FERRY_SYNC_TARGET";

    private final String sourceCluster;
    private final String targetCluster;
    private final DefaultMQProducer producer;
    private final Map<MessageQueue, Long> lastWritten = new ConcurrentHashMap<>();

    public OffsetSyncLog(ClusterAdmin target, String sourceCluster) throws Exception {
        this.sourceCluster = sourceCluster;
        this.targetCluster = target.cluster().name();
        target.ensureTopic(TOPIC, 1);
        ClusterConfig cluster = target.cluster();
        producer = new DefaultMQProducer("FERRY_OFFSET_SYNCER", ClusterClients.rpcHook(cluster));
        ClusterClients.configure(producer, cluster, "offset-syncs");
        producer.start();
    }

    /** Writes the sync if the queue's last one is a second old or more; best effort (the next one follows). */
    public void offer(MessageQueue source, MessageQueue target, long sourceOffset, long targetOffset) {
        long now = System.currentTimeMillis();
        Long last = lastWritten.get(source);
        if (last != null && now - last < EVERY_MILLIS) {
            return;
        }
        lastWritten.put(source, now);
        String body = String.join(" ", source.getTopic(), source.getBrokerName(), Integer.toString(source.getQueueId()),
            Long.toString(sourceOffset), target.getTopic(), target.getBrokerName(), Integer.toString(target.getQueueId()),
            Long.toString(targetOffset));
        Message message = new Message(TOPIC, sourceCluster, body.getBytes(StandardCharsets.UTF_8));
        message.putUserProperty(SOURCE_CLUSTER, sourceCluster);
        message.putUserProperty(TARGET_CLUSTER, targetCluster);
        try {
            producer.sendOneway(message);
        } catch (Exception e) {
            LOG.debug("offset sync for {} not written: {}", source, e.getMessage());
        }
    }

    /** Feeds {@code store} with the syncs of {@code sourceCluster} -> the target kept in the target. */
    public static int load(ClusterConfig target, String sourceCluster, OffsetSyncStore store) throws Exception {
        int loaded = 0;
        for (MessageExt message : TopicTail.read(target, TOPIC, TAIL)) {
            if (!sourceCluster.equals(message.getUserProperty(SOURCE_CLUSTER))
                || !target.name().equals(message.getUserProperty(TARGET_CLUSTER))) {
                continue;
            }
            String[] f = new String(message.getBody(), StandardCharsets.UTF_8).split(" ");
            if (f.length != 8) {
                continue;
            }
            store.record(new MessageQueue(f[0], f[1], Integer.parseInt(f[2])),
                new MessageQueue(f[4], f[5], Integer.parseInt(f[6])), Long.parseLong(f[3]), Long.parseLong(f[7]));
            loaded++;
        }
        return loaded;
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
