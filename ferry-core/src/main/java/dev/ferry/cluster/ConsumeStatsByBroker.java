package dev.ferry.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's consume stats on one topic from brokers that predate RocketMQ 5 (4.9.x and older).
 *
 * <p>The 5.5.0 admin client's {@code examineConsumeStats(group, topic)} asks every broker for the stats
 * (GET_CONSUME_STATS, which every version has), then, for each topic, every broker for the topic's config
 * (GET_TOPIC_CONFIG, request code 351, added in 5.0 with static topics) to map logical queues to physical ones. A 4.x
 * broker answers that second request "request type 351 not supported", and the whole call fails: Ferry could not
 * learn a 4.x source's backlog, and no link from a 4.x cluster ever started. A broker that does not know the request
 * has no static topics either, so its physical stats are the whole answer: here they are asked broker by broker,
 * from the master of every broker group the topic's route names.
 */
final class ConsumeStatsByBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeStatsByBroker.class);

    private final String clusterName;
    private final DefaultMQAdminExt admin;
    private final ClusterBrokers brokers;
    private final long timeoutMillis;
    /** Set at the first refusal: from then on this process asks broker by broker (a refused call costs two round trips). */
    private final AtomicBoolean byBroker = new AtomicBoolean();

    ConsumeStatsByBroker(String clusterName, DefaultMQAdminExt admin, ClusterBrokers brokers, long timeoutMillis) {
        this.clusterName = clusterName;
        this.admin = admin;
        this.brokers = brokers;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The admin client's answer; the brokers' own, one by one, once a broker of the cluster did not know
     * GET_TOPIC_CONFIG. As the admin client does, an empty answer is an error (the group has no offsets on the topic).
     */
    ConsumeStats of(String group, String topic) throws Exception {
        if (!byBroker.get()) {
            try {
                return admin.examineConsumeStats(group, topic);
            } catch (MQBrokerException e) {
                if (!UnknownRequest.is(e)) {
                    throw e;
                }
            }
        }
        if (byBroker.compareAndSet(false, true)) {
            LOG.info("cluster {}: a broker does not know GET_TOPIC_CONFIG (request code 351; RocketMQ before 5.0):"
                + " consume stats are asked of each broker group's master, without static-topic mapping, which such"
                + " brokers do not have", clusterName);
        }
        TopicRouteData route = admin.examineTopicRouteInfo(topic);
        ConsumeStats merged = new ConsumeStats();
        List<String> asked = new ArrayList<>();
        for (QueueData queues : route.getQueueDatas()) {
            String address = brokers.masterAddress(queues.getBrokerName());
            if (asked.contains(address)) {
                continue;
            }
            asked.add(address);
            ConsumeStats stats = admin.examineConsumeStats(address, group, topic, timeoutMillis);
            merged.getOffsetTable().putAll(stats.getOffsetTable());
            merged.setConsumeTps(merged.getConsumeTps() + stats.getConsumeTps());
        }
        if (merged.getOffsetTable().isEmpty()) {
            throw new MQClientException(ResponseCode.CONSUMER_NOT_ONLINE, "Not found the consumer group consume stats"
                + " of group " + group + " on topic " + topic + ": no broker reports an offset");
        }
        return merged;
    }
}
