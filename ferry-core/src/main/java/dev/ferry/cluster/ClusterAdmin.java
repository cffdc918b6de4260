package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.exception.OffsetNotFoundException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrative operations Ferry needs on one cluster: topics, consumer groups and their offsets.
 * One per cluster per Ferry process; thread-safe.
 */
public final class ClusterAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAdmin.class);
    private static final long TIMEOUT_MILLIS = 5_000;

    private final ClusterConfig cluster;
    private final DefaultMQAdminExt admin;
    private final ClusterBrokers brokers;
    private final TopicCreation topics;
    private final ConsumeStatsByBroker consumeStats;
    private final BrokerTopicConfig topicConfigs;

    private ClusterAdmin(ClusterConfig cluster, DefaultMQAdminExt admin) {
        this.cluster = cluster;
        this.admin = admin;
        this.brokers = new ClusterBrokers(cluster, admin, TIMEOUT_MILLIS);
        this.topicConfigs = new BrokerTopicConfig(cluster.name(), admin, TIMEOUT_MILLIS);
        this.topics = new TopicCreation(cluster, admin, brokers, topicConfigs);
        this.consumeStats = new ConsumeStatsByBroker(cluster.name(), admin, brokers, TIMEOUT_MILLIS);
    }

    public static ClusterAdmin connect(ClusterConfig cluster) throws Exception {
        return new ClusterAdmin(cluster, ClusterClients.admin(cluster, TIMEOUT_MILLIS));
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** The cluster's broker groups: which answer, what they allow, who is connected to them. */
    public ClusterBrokers brokers() {
        return brokers;
    }

    /** The topic's queues, ordered by broker name and queue id; empty when the topic does not exist. */
    public List<MessageQueue> queues(String topic) throws Exception {
        TopicRouteData route = route(topic);
        if (route == null) {
            return List.of();
        }
        List<MessageQueue> queues = new ArrayList<>();
        for (QueueData data : route.getQueueDatas()) {
            for (int id = 0; id < data.getReadQueueNums(); id++) {
                queues.add(new MessageQueue(topic, data.getBrokerName(), id));
            }
        }
        queues.sort(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
        return queues;
    }

    /**
     * The topic's queues that take writes now: the write queues of every broker whose route grants write
     * permission (a broker made read-only, or a topic's permission set to read, routes none); empty when the
     * topic does not exist.
     */
    public Set<MessageQueue> writableQueues(String topic) throws Exception {
        TopicRouteData route = route(topic);
        Set<MessageQueue> writable = new TreeSet<>();
        if (route == null) {
            return writable;
        }
        for (QueueData data : route.getQueueDatas()) {
            if (PermName.isWriteable(data.getPerm())) {
                for (int id = 0; id < data.getWriteQueueNums(); id++) {
                    writable.add(new MessageQueue(topic, data.getBrokerName(), id));
                }
            }
        }
        return writable;
    }

    /**
     * Creates the topic on every master broker when the cluster does not route it yet, spreading
     * {@code queueCount} queues over them, and waits until the NameServer routes it.
     *
     * @return true when this call created it
     */
    public boolean ensureTopic(String topic, int queueCount) throws Exception {
        return ensureTopic(topic, queueCount, null, Map.of());
    }

    /**
     * As {@link #ensureTopic(String, int)}, shaped like another cluster's topic (see {@link TopicCreation}): its
     * type and attributes ({@code like}; null: a plain topic) and its queues per broker ({@code layout}, from
     * {@link #queueLayout}; empty: {@code queueCount} spread evenly).
     */
    public boolean ensureTopic(String topic, int queueCount, TopicConfig like, Map<String, QueueLayout.Queues> layout)
        throws Exception {
        if (route(topic) != null) {
            return false;
        }
        topics.create(topic, queueCount, like, layout, () -> routedQueues(topic));
        return true;
    }

    /**
     * Grows {@code topic} to at least {@code queueCount} queues, shaped as {@code layout} where the clusters have the
     * same broker groups (see {@link TopicCreation#grow}). Returns once the NameServer routes the new queues; false
     * when no broker needed more.
     */
    public boolean growTopic(String topic, int queueCount, Map<String, QueueLayout.Queues> layout) throws Exception {
        return topics.grow(topic, queueCount, layout, () -> routedQueues(topic));
    }

    /** The topic's read and write queues per broker, by broker name; empty when the topic does not exist. */
    public Map<String, QueueLayout.Queues> queueLayout(String topic) throws Exception {
        TopicRouteData route = route(topic);
        Map<String, QueueLayout.Queues> layout = new TreeMap<>();
        if (route != null) {
            for (QueueData data : route.getQueueDatas()) {
                layout.put(data.getBrokerName(), new QueueLayout.Queues(data.getReadQueueNums(),
                    data.getWriteQueueNums()));
            }
        }
        return layout;
    }

    private int routedQueues(String topic) {
        try {
            return queues(topic).size();
        } catch (Exception notYet) {
            return 0;
        }
    }

    /**
     * The topic's config as the master of its first broker group keeps it (type, attributes, order flag); empty
     * when the cluster does not route the topic or no master answers.
     */
    public Optional<TopicConfig> topicConfig(String topic) throws Exception {
        TopicRouteData route = route(topic);
        if (route == null) {
            return Optional.empty();
        }
        List<QueueData> groups = new ArrayList<>(route.getQueueDatas());
        groups.sort(Comparator.comparing(QueueData::getBrokerName));
        for (QueueData group : groups) {
            try {
                return Optional.ofNullable(topicConfigs.of(brokers.masterAddress(group.getBrokerName()), topic));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.debug("cluster {}: topic {}'s config not read from {}: {}", cluster.name(), topic,
                    group.getBrokerName(), e.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Timer messages this cluster holds for the watch's topics and has not delivered yet, and when the first is due
     * (see {@link TimerWatch}, which keeps what it read between calls); {@link PendingMessages#UNKNOWN} when a master
     * does not say.
     */
    public PendingMessages pendingTimerMessages(TimerWatch watch) throws Exception {
        return watch.pending(admin, brokers.masterAddresses(), TIMEOUT_MILLIS);
    }

    /**
     * Delay-level messages this cluster holds, over all its topics, and has not delivered yet, and when the first is
     * due (see {@link PendingDelays}; its schedule topic is read as {@code group}, which commits nothing there);
     * {@link PendingMessages#UNKNOWN} when a master does not say.
     */
    public PendingMessages pendingDelayedMessages(String group) throws Exception {
        return PendingDelays.pending(admin, brokers.masterAddresses(), group, TIMEOUT_MILLIS);
    }

    /** Creates the consumer group on every master broker when it is missing there. */
    public void ensureGroup(String group, boolean orderly) throws Exception {
        for (String address : brokers.masterAddresses()) {
            if (admin.examineSubscriptionGroupConfig(address, group) == null) {
                SubscriptionGroupConfig config = new SubscriptionGroupConfig();
                config.setGroupName(group);
                config.setConsumeMessageOrderly(orderly);
                admin.createAndUpdateSubscriptionGroupConfig(address, config);
            }
        }
    }

    /** The group's settings on the first master broker that has it, or null when none has. */
    public SubscriptionGroupConfig groupConfig(String group) throws Exception {
        for (String address : brokers.masterAddresses()) {
            SubscriptionGroupConfig config = admin.examineSubscriptionGroupConfig(address, group);
            if (config != null) {
                return config;
            }
        }
        return null;
    }

    /**
     * Creates the group with {@code like}'s settings (retries, orderly, broadcast...) on every master broker
     * that lacks it; returns true when it created it somewhere.
     */
    public boolean ensureGroupLike(SubscriptionGroupConfig like) throws Exception {
        boolean created = false;
        for (String address : brokers.masterAddresses()) {
            if (admin.examineSubscriptionGroupConfig(address, like.getGroupName()) == null) {
                admin.createAndUpdateSubscriptionGroupConfig(address, like);
                created = true;
            }
        }
        if (created) {
            LOG.info("Created consumer group {} on cluster {} (settings of the source's)", like.getGroupName(),
                cluster.name());
        }
        return created;
    }

    /** The consumer groups that read {@code topic}: online ones and those with committed offsets. */
    public Set<String> groupsReading(String topic) throws Exception {
        return admin.queryTopicConsumeByWho(topic).getGroupList();
    }

    /** Per queue of {@code topic}: the broker's max offset and the group's committed offset. */
    public ConsumeStats consumeStats(String group, String topic) throws Exception {
        return consumeStats.of(group, topic);
    }

    /** The group's committed offset for the queue, or empty when the group has none there. */
    public OptionalLong committedOffset(String group, MessageQueue queue) throws Exception {
        QueryConsumerOffsetRequestHeader header = new QueryConsumerOffsetRequestHeader();
        header.setConsumerGroup(group);
        header.setTopic(queue.getTopic());
        header.setQueueId(queue.getQueueId());
        // Without this the broker answers 0 for a group it has never seen when the queue's first message is
        // still in memory, which would silently turn startFrom=latest into earliest.
        header.setSetZeroIfNotFound(false);
        try {
            return OptionalLong.of(admin.getDefaultMQAdminExtImpl().getMqClientInstance().getMQClientAPIImpl()
                .queryConsumerOffset(brokers.masterAddress(queue.getBrokerName()), header, TIMEOUT_MILLIS));
        } catch (OffsetNotFoundException notFound) {
            return OptionalLong.empty();
        } catch (MQBrokerException e) {
            if (e.getResponseCode() == ResponseCode.QUERY_NOT_FOUND) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    public void commitOffset(String group, MessageQueue queue, long offset) throws Exception {
        admin.updateConsumeOffset(brokers.masterAddress(queue.getBrokerName()), group, queue, offset);
    }

    /**
     * Sets a consumer group's offsets, forward or back, creating the group if the cluster lacks it. A group
     * with consumers online is reset through its broker, which tells them (else they would overwrite the
     * offsets with their next commit); an idle one has its committed offsets written.
     */
    public void moveGroup(String group, Map<MessageQueue, Long> offsets) throws Exception {
        ensureGroup(group, false);
        boolean live = brokers.onlineClients(group) > 0;
        for (Map.Entry<MessageQueue, Long> entry : offsets.entrySet()) {
            MessageQueue queue = entry.getKey();
            if (live) {
                admin.resetOffsetByQueueId(brokers.masterAddress(queue.getBrokerName()), group, queue.getTopic(),
                    queue.getQueueId(), entry.getValue());
            } else {
                commitOffset(group, queue, entry.getValue());
            }
        }
    }

    public long minOffset(MessageQueue queue) throws Exception {
        return admin.minOffset(queue);
    }

    public long maxOffset(MessageQueue queue) throws Exception {
        return admin.maxOffset(queue);
    }

    /** The offset of the first message stored at or after {@code epochMillis}. */
    public long offsetAt(MessageQueue queue, long epochMillis) throws Exception {
        return admin.searchOffset(queue, epochMillis);
    }

    /**
     * Per queue of the topics: the broker's max offset, the group's committed offset and the last consumed
     * store time. Asked topic by topic: unlike RocketMQ's group-wide call this
     * works for a group that has committed offsets but has never had a consumer online: RocketMQ's admin finds
     * the brokers through the group's retry topic, which the broker creates on a consumer's first heartbeat,
     * and falls back to the topic's own route only when asked per topic.
     */
    public ConsumeStats consumeStats(String group, Collection<String> topics) throws Exception {
        ConsumeStats merged = new ConsumeStats();
        for (String topic : topics) {
            ConsumeStats stats = consumeStats.of(group, topic);
            merged.getOffsetTable().putAll(stats.getOffsetTable());
            merged.setConsumeTps(merged.getConsumeTps() + stats.getConsumeTps());
        }
        return merged;
    }

    private TopicRouteData route(String topic) throws Exception {
        try {
            TopicRouteData route = admin.examineTopicRouteInfo(topic);
            return route == null || route.getQueueDatas() == null || route.getQueueDatas().isEmpty() ? null : route;
        } catch (MQClientException e) {
            if (e.getResponseCode() == ResponseCode.TOPIC_NOT_EXIST) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(admin, admin::shutdown);
    }
}
