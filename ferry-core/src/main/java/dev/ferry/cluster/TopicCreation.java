package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and grows topics on a cluster's masters, shaped like a topic of another cluster ({@link QueueLayout}):
 * the queues per broker, and the other topic's type and attributes ({@code message.type} FIFO, DELAY,
 * TRANSACTION..., the order flag, the filter type), so that the clients and proxies of this cluster treat it as
 * that one; never its permission (a read-only source topic must not make a target topic nothing can be copied into).
 */
final class TopicCreation {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreation.class);
    /** How long the NameServer may take to route what was created or added. */
    private static final long ROUTED_WITHIN_SECONDS = 30;

    private final ClusterConfig cluster;
    private final DefaultMQAdminExt admin;
    private final ClusterBrokers brokers;
    private final BrokerTopicConfig topicConfigs;

    TopicCreation(ClusterConfig cluster, DefaultMQAdminExt admin, ClusterBrokers brokers,
                  BrokerTopicConfig topicConfigs) {
        this.cluster = cluster;
        this.admin = admin;
        this.brokers = brokers;
        this.topicConfigs = topicConfigs;
    }

    /**
     * Creates {@code topic} on every master, {@code queueCount} queues in all or shaped as {@code layout}, typed as
     * {@code like} (null: a plain topic); returns once {@code routed} sees it.
     */
    void create(String topic, int queueCount, TopicConfig like, Map<String, QueueLayout.Queues> layout,
                IntSupplier routed) throws Exception {
        SortedMap<String, String> masters = brokers.masters();
        if (masters.isEmpty()) {
            throw new IllegalStateException("cluster '" + cluster.name() + "' has no master broker to create topic '"
                + topic + "' on");
        }
        Map<String, QueueLayout.Queues> shape = QueueLayout.matching(layout, queueCount, masters.keySet());
        for (Map.Entry<String, String> master : masters.entrySet()) {
            QueueLayout.Queues queues = shape.get(master.getKey());
            TopicConfig config = new TopicConfig(topic, queues.read(), queues.write(),
                PermName.PERM_READ | PermName.PERM_WRITE);
            if (like != null) {
                Map<String, String> attributes = new HashMap<>();
                like.getAttributes().forEach((key, value) -> attributes.put("+" + key, value));
                config.setAttributes(attributes);
                config.setOrder(like.isOrder());
                config.setTopicFilterType(like.getTopicFilterType());
            }
            admin.createAndUpdateTopicConfig(master.getValue(), config);
        }
        awaitRouted(topic, routed, 1);
        LOG.info("Created topic {} on cluster {}: queues (read/write) {}{}", topic, cluster.name(), brief(shape),
            like == null || like.getAttributes().isEmpty() ? "" : ", attributes " + new TreeMap<>(like.getAttributes()));
    }

    /**
     * Grows {@code topic} on each master that has it to what {@code layout} (or {@code queueCount} spread evenly)
     * gives that broker, keeping everything else of the broker's config of it; never shrinks a broker's. Returns
     * once {@code routed} sees {@code queueCount} queues; false when no broker needed more.
     */
    boolean grow(String topic, int queueCount, Map<String, QueueLayout.Queues> layout, IntSupplier routed)
        throws Exception {
        SortedMap<String, String> masters = brokers.masters();
        Map<String, QueueLayout.Queues> shape = QueueLayout.matching(layout, queueCount, masters.keySet());
        boolean grew = false;
        for (Map.Entry<String, String> master : masters.entrySet()) {
            TopicConfig now;
            try {
                now = topicConfigs.of(master.getValue(), topic);
            } catch (MQBrokerException notThere) {
                continue; // a broker without the topic: the operator's to add it to
            }
            QueueLayout.Queues wanted = shape.get(master.getKey());
            if (now == null || now.getReadQueueNums() >= wanted.read() && now.getWriteQueueNums() >= wanted.write()) {
                continue;
            }
            TopicConfig grown = new TopicConfig(now);
            grown.setReadQueueNums(Math.max(wanted.read(), now.getReadQueueNums()));
            grown.setWriteQueueNums(Math.max(wanted.write(), now.getWriteQueueNums()));
            // No attributes in the update: the broker keeps the ones it has (message.type among them).
            grown.setAttributes(new HashMap<>());
            admin.createAndUpdateTopicConfig(master.getValue(), grown);
            grew = true;
        }
        if (grew) {
            awaitRouted(topic, routed, queueCount);
        }
        return grew;
    }

    private void awaitRouted(String topic, IntSupplier routed, int queues) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUTED_WITHIN_SECONDS);
        while (routed.getAsInt() < queues) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster '" + cluster.name() + "': topic '" + topic + "' was written"
                    + " but the NameServer does not route " + queues + " of its queues after " + ROUTED_WITHIN_SECONDS
                    + " s");
            }
            Thread.sleep(200);
        }
    }

    private static String brief(Map<String, QueueLayout.Queues> shape) {
        StringBuilder out = new StringBuilder();
        shape.forEach((broker, queues) -> out.append(out.length() == 0 ? "" : ", ").append(broker).append(' ')
            .append(queues.read()).append('/').append(queues.write()));
        return out.toString();
    }
}
