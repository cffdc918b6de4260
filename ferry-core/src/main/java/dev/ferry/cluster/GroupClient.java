package dev.ferry.cluster;

import java.util.Set;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * One client of a consumer group as the source cluster reports it: connected to its brokers, and holding the queues
 * its running info lists (see {@link ClusterBrokers#groupClients}).
 *
 * @param clientId its RocketMQ client ID, {@code <ip>@<instanceName>}
 * @param process  the Ferry process it runs in ({@code <pid>@<hostname>}), null when it does not say (a Ferry older
 *                 than the field, or another application in the group)
 * @param held     the queues it holds: in its table, not dropped, and locked where it consumes orderly
 * @param error    why its running info could not be read (then {@code held} is empty), or null
 */
public record GroupClient(String clientId, String process, Set<MessageQueue> held, String error) {
}
