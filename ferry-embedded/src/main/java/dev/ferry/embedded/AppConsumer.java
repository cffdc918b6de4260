package dev.ferry.embedded;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * A push consumer as an application on a cluster would run one, for the tests and scenarios that play the
 * application: it reads its group's queues from the first offset and is not yet started.
 *
 * <p>Why the one-second heartbeat: after a rebalance the client gives its subscription a new version and
 * tells the broker with a heartbeat, but it skips that heartbeat when another one is running. Until the next
 * heartbeat (30 s by default) the broker answers every pull with "subscription not latest", so on a busy machine
 * a consumer could read nothing for its first 30 s. Ferry's own links beat every 5 s for the same reason.
 */
public final class AppConsumer {

    private static final int HEARTBEAT_MILLIS = 1_000;

    private AppConsumer() {
    }

    /**
     * A consumer of {@code group} on the cluster at {@code namesrv}. {@code instanceName} must be unique within
     * the JVM: clients with the same one share a client instance, and its NameServer.
     */
    public static DefaultMQPushConsumer of(String group, String namesrv, String instanceName) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(instanceName);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setHeartbeatBrokerInterval(HEARTBEAT_MILLIS);
        return consumer;
    }
}
