package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The broker groups of one cluster as its NameServer routes them, asked through the cluster's admin client:
 * which masters answer, what their configuration allows (message size, SQL-92), and who is connected to them.
 * Every question goes to the masters: a slave holds no consumer offsets and takes no writes.
 */
public final class ClusterBrokers {

    /** RocketMQ's own default for a broker's maxMessageSize, used when the broker does not say. */
    private static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

    private final ClusterConfig cluster;
    private final DefaultMQAdminExt admin;
    private final long timeoutMillis;

    ClusterBrokers(ClusterConfig cluster, DefaultMQAdminExt admin, long timeoutMillis) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * How many clients of the group are connected now, as the master brokers see them (a consumer beats to every
     * broker). A broker that answers "not online" counts none.
     *
     * @throws Exception when no master broker answered at all: "could not ask" is never "no one is online", or a
     *     failover could move a live group under its consumers
     */
    public int onlineClients(String group) throws Exception {
        return onlineClientIds(group).size();
    }

    /**
     * The client IDs ({@code ip@instanceName}) of the group's clients connected now to any master broker.
     *
     * @throws Exception when no master broker answered at all (see {@link #onlineClients})
     */
    public Set<String> onlineClientIds(String group) throws Exception {
        Set<String> clients = new TreeSet<>();
        int answered = 0;
        Exception failure = null;
        for (String address : masterAddresses()) {
            try {
                admin.examineConsumerConnectionInfo(group, address).getConnectionSet()
                    .forEach(connection -> clients.add(connection.getClientId()));
                answered++;
            } catch (MQBrokerException e) {
                if (e.getResponseCode() != ResponseCode.CONSUMER_NOT_ONLINE) {
                    failure = e;
                    continue;
                }
                answered++;
            } catch (Exception e) {
                failure = e;
            }
        }
        if (answered == 0) {
            throw new IllegalStateException("cluster '" + cluster.name() + "': cannot tell whether group '" + group
                + "' has consumers online: " + (failure == null ? "no master broker online" : failure.getMessage()),
                failure);
        }
        return clients;
    }

    /**
     * Every client of the group connected to a master broker now, each with the queues it holds, from its running
     * info: what {@code mqadmin consumerStatus} shows. The broker fetches it from the client over the client's own
     * connection, so it is what the client's consumer holds at this moment, whichever process or host it is in. A
     * client that does not answer in time is listed with why, and no queues.
     *
     * @throws Exception when no master broker answered at all (see {@link #onlineClients})
     */
    public List<GroupClient> groupClients(String group) throws Exception {
        Map<String, String> brokerOf = new TreeMap<>();
        for (String address : masterAddresses()) {
            try {
                admin.examineConsumerConnectionInfo(group, address).getConnectionSet()
                    .forEach(connection -> brokerOf.putIfAbsent(connection.getClientId(), address));
            } catch (Exception notThere) {
                // not online on this broker, or it did not answer: the others list the clients
            }
        }
        if (brokerOf.isEmpty()) {
            onlineClientIds(group); // throws when no broker answered; otherwise none is online
            return List.of();
        }
        MQClientAPIImpl api = admin.getDefaultMQAdminExtImpl().getMqClientInstance().getMQClientAPIImpl();
        List<GroupClient> clients = new ArrayList<>();
        for (Map.Entry<String, String> client : brokerOf.entrySet()) {
            try {
                ConsumerRunningInfo info = api.getConsumerRunningInfo(client.getValue(), group, client.getKey(), false,
                    timeoutMillis);
                boolean orderly = Boolean.parseBoolean(
                    info.getProperties().getProperty(ConsumerRunningInfo.PROP_CONSUME_ORDERLY, "false"));
                Set<MessageQueue> held = new TreeSet<>();
                info.getMqTable().forEach((queue, state) -> {
                    if (!state.isDroped() && (state.isLocked() || !orderly)) {
                        held.add(queue);
                    }
                });
                clients.add(new GroupClient(client.getKey(),
                    info.getProperties().getProperty(FerryNames.RUNNING_INFO_PROCESS), held, null));
            } catch (Exception e) {
                clients.add(new GroupClient(client.getKey(), null, Set.of(), String.valueOf(e.getMessage())));
            }
        }
        return clients;
    }

    /** The smallest maxMessageSize among the master brokers: a batch or message above it is refused. */
    public int maxMessageSize() throws Exception {
        int smallest = Integer.MAX_VALUE;
        for (String address : masterAddresses()) {
            Properties config = admin.getBrokerConfig(address);
            String value = config.getProperty("maxMessageSize");
            smallest = Math.min(smallest, value == null ? DEFAULT_MAX_MESSAGE_SIZE : Integer.parseInt(value.trim()));
        }
        return smallest == Integer.MAX_VALUE ? DEFAULT_MAX_MESSAGE_SIZE : smallest;
    }

    /**
     * True when every master broker evaluates SQL-92 subscriptions ({@code enablePropertyFilter=true}); a
     * broker without it refuses a SQL-92 subscription. False when the cluster has no master online.
     */
    public boolean propertyFilterEnabled() throws Exception {
        List<String> masters = masterAddresses();
        for (String address : masters) {
            Properties config = admin.getBrokerConfig(address);
            if (!Boolean.parseBoolean(config.getProperty("enablePropertyFilter", "false").trim())) {
                return false;
            }
        }
        return !masters.isEmpty();
    }

    /**
     * True when every master broker compiles {@code sql92}, asked as a consumer's start asks (CHECK_CLIENT_CONFIG);
     * false at the first broker that answers it cannot parse it (SUBSCRIPTION_PARSE_FAILED). The grammar depends on
     * the version: RocketMQ 4.x has no {@code CONTAINS}, {@code STARTSWITH} or {@code ENDSWITH} (5.x added them), and
     * a consumer that subscribes with them there fails to start. Ask where {@link #propertyFilterEnabled()}: a broker
     * without SQL-92 answers with an error, thrown here. False when the cluster has no master online.
     */
    public boolean compiles(String sql92) throws Exception {
        List<String> masters = masterAddresses();
        MQClientInstance client = admin.getDefaultMQAdminExtImpl().getMqClientInstance();
        SubscriptionData probe = new SubscriptionData(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, sql92);
        probe.setExpressionType(ExpressionType.SQL92);
        for (String address : masters) {
            try {
                client.getMQClientAPIImpl().checkClientInBroker(address, MixAll.TOOLS_CONSUMER_GROUP,
                    client.getClientId(), probe, timeoutMillis);
            } catch (MQClientException e) {
                if (e.getResponseCode() == ResponseCode.SUBSCRIPTION_PARSE_FAILED) {
                    return false;
                }
                throw e;
            }
        }
        return !masters.isEmpty();
    }

    /**
     * Asks the NameServer for the cluster's brokers and each master broker for its runtime figures. Throws,
     * naming what did not answer, when the NameServer or every master is silent: the cluster is unreachable.
     * Otherwise returns the names of the brokers whose master did not answer (empty when all did): one broker
     * down in a cluster of several is a part of it, and the rest still reads and writes.
     */
    public List<String> ping() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        List<String> silent = new ArrayList<>();
        int masters = 0;
        Exception lastFailure = null;
        for (Map.Entry<String, BrokerData> broker : new TreeMap<>(info.getBrokerAddrTable()).entrySet()) {
            String master = broker.getValue().getBrokerAddrs().get(MixAll.MASTER_ID);
            if (master == null) {
                continue;
            }
            masters++;
            try {
                admin.fetchBrokerRuntimeStats(master);
            } catch (Exception e) {
                silent.add(broker.getKey());
                lastFailure = e;
            }
        }
        if (masters == 0) {
            throw new IllegalStateException("cluster '" + cluster.name() + "' has no master broker online");
        }
        if (silent.size() == masters) {
            throw lastFailure;
        }
        return silent;
    }

    /** Every master broker address the NameServer knows, sorted. */
    public List<String> masterAddresses() throws Exception {
        return List.copyOf(new TreeSet<>(masters().values()));
    }

    /** Each broker group with a master online: its name and its master's address, by name. */
    public SortedMap<String, String> masters() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        SortedMap<String, String> masters = new TreeMap<>();
        for (Map.Entry<String, BrokerData> broker : info.getBrokerAddrTable().entrySet()) {
            String master = broker.getValue().getBrokerAddrs().get(MixAll.MASTER_ID);
            if (master != null) {
                masters.put(broker.getKey(), master);
            }
        }
        return masters;
    }

    String masterAddress(String brokerName) throws Exception {
        BrokerData data = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(brokerName);
        String master = data == null ? null : data.getBrokerAddrs().get(MixAll.MASTER_ID);
        if (master == null) {
            throw new MasterDown("cluster '" + cluster.name() + "': broker '" + brokerName + "' has no master online");
        }
        return master;
    }
}
