package dev.ferry.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic's config as one broker keeps it: queue counts, perm, order flag, attributes ({@code message.type}).
 * RocketMQ 5 answers for one topic (GET_TOPIC_CONFIG, request code 351); a 4.x broker does not know that request
 * ("request type 351 not supported"), and is asked for its whole topic table instead (GET_ALL_TOPIC_CONFIG, 21,
 * which every version answers): more bytes, the same config. After the first refusal in a cluster the whole table
 * is asked for at once, and one log line says so.
 */
final class BrokerTopicConfig {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTopicConfig.class);

    private final String clusterName;
    private final DefaultMQAdminExt admin;
    private final long timeoutMillis;
    private final AtomicBoolean wholeTable = new AtomicBoolean();

    BrokerTopicConfig(String clusterName, DefaultMQAdminExt admin, long timeoutMillis) {
        this.clusterName = clusterName;
        this.admin = admin;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The broker's config of {@code topic}.
     *
     * @throws MQBrokerException the broker does not have the topic ({@code TOPIC_NOT_EXIST}), or refused
     */
    TopicConfig of(String brokerAddr, String topic) throws Exception {
        if (!wholeTable.get()) {
            try {
                return admin.examineTopicConfig(brokerAddr, topic);
            } catch (MQBrokerException e) {
                if (!UnknownRequest.is(e)) {
                    throw e;
                }
            }
            if (wholeTable.compareAndSet(false, true)) {
                LOG.info("cluster {}: brokers do not tell one topic's config (GET_TOPIC_CONFIG, request code 351;"
                    + " RocketMQ before 5.0): Ferry reads their whole topic table instead", clusterName);
            }
        }
        TopicConfig config = admin.getAllTopicConfig(brokerAddr, timeoutMillis).getTopicConfigTable().get(topic);
        if (config == null) {
            throw new MQBrokerException(ResponseCode.TOPIC_NOT_EXIST, "topic " + topic + " is not on " + brokerAddr,
                brokerAddr);
        }
        return config;
    }
}
