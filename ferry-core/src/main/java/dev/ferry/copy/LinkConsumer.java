package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.StartFrom;
import dev.ferry.names.FerryNames;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocketMQ push consumer a link reads its source with, tuned for copying: orderly (one queue, one thread, a
 * lock on the broker; the link registers its {@link QueueCopier} as the listener), batches as large as a send, pull flow control bounded by the memory the link may hold,
 * heartbeats and route polls frequent enough that a rebalance or a returning broker costs seconds, not a minute.
 */
final class LinkConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(LinkConsumer.class);
    private static final DateTimeFormatter CONSUME_TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private LinkConsumer() {
    }

    /**
     * @param topicCount how many topics the link reads: the memory bound is shared between them
     */
    static DefaultMQPushConsumer create(String group, ClusterConfig source, CopySettings settings, int topicCount,
                                        StartFrom startFrom) {
        Named c = new Named(group, source, 2 * settings.batchMessages());
        ClusterClients.configure(c, source, "link");
        c.setConsumeMessageBatchMaxSize(settings.batchMessages());
        c.setPullBatchSize(settings.batchMessages());
        c.setPullThresholdSizeForTopic(Math.max(1, settings.maxInFlightMiB() / topicCount));
        // The link's queues share 64 batches' worth of messages (the client gives each queue its share at every
        // rebalance), and a queue stops pulling above two batches of it (Named): the one being sent and the next,
        // gathered meanwhile (a far target takes one batch per queue per round trip). A queue's whole share would
        // not copy faster, only sit in the heap: with a few queues it was thousands of messages each, which
        // outlived young collections, filled the survivor spaces and spilled into full collections
        // (docs/benchmarks.md, "Two batches per queue"). maxInFlightMiB bounds the bytes.
        c.setPullThresholdForTopic(64 * settings.batchMessages());
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
     * RocketMQ's push consumer with one field more: the Ferry process it runs in. The client reports every field of
     * its consumer, under the field's name, in the running info a broker fetches for {@code mqadmin consumerStatus}
     * (and {@code ferry status}: {@code ClusterBrokers.groupClients}); so the source cluster can say which process,
     * not only which host, holds each queue. The field's name is {@link FerryNames#RUNNING_INFO_PROCESS}. And with a
     * cap on the messages each queue holds, which the client's rebalance cannot raise ({@code mostPerQueue}, reported
     * in the running info too).
     */
    static final class Named extends DefaultMQPushConsumer {

        @SuppressWarnings("unused") // read by RocketMQ's client, by reflection
        private final String ferryProcess = HeldQueues.THIS_PROCESS;

        /** The most messages a queue holds: the client's share of the topic's count is cut to it. */
        private final int mostPerQueue;

        Named(String group, ClusterConfig source) {
            this(group, source, Integer.MAX_VALUE);
        }

        Named(String group, ClusterConfig source, int mostPerQueue) {
            super(group, ClusterClients.rpcHook(source));
            this.mostPerQueue = mostPerQueue;
            setPullThresholdForQueue(getPullThresholdForQueue());
        }

        /**
         * At most {@code mostPerQueue}, whatever share of the topic's count the client's rebalance gives each queue
         * ({@code RebalancePushImpl.messageQueueChanged} sets it through here).
         */
        @Override
        public void setPullThresholdForQueue(int pullThresholdForQueue) {
            // Before the constructor sets mostPerQueue (0), nothing is cut.
            super.setPullThresholdForQueue(mostPerQueue > 0 ? Math.min(pullThresholdForQueue, mostPerQueue)
                : pullThresholdForQueue);
        }
    }

    /**
     * Gives the consumer this host's first free seat of the group (see {@link LinkIdentity}): a client ID the source
     * brokers know again after a restart. Before the consumer starts.
     */
    static LinkIdentity takeSeat(DefaultMQPushConsumer consumer, String group, ClusterAdmin source) {
        LinkIdentity identity = LinkIdentity.claim(group, clientId -> {
            try {
                return source.brokers().onlineClientIds(group).contains(clientId);
            } catch (Exception cannotTell) {
                return false; // the lock file on this host decides alone
            }
        }, LinkIdentity.defaultSeats());
        consumer.setInstanceName(identity.instanceName());
        return identity;
    }

    /**
     * Subscribes the consumer to the link's topics (and its heartbeats, unless {@code heartbeatTag} is null) and
     * starts it, with {@link ReadAhead} in its pull layer (empty when the client's layout does not allow it).
     */
    static Optional<ReadAhead> start(DefaultMQPushConsumer consumer, ClusterConfig source, String linkName, List<String> topics,
                      MessageSelector selector, String heartbeatTag, CopySettings settings) throws MQClientException {
        for (String topic : topics) {
            consumer.subscribe(topic, selector);
        }
        if (heartbeatTag != null) {
            consumer.subscribe(FerryNames.HEARTBEAT_TOPIC, heartbeatTag);
        }
        ClusterClients.start(consumer, source, consumer::start);
        Optional<ReadAhead> readAhead = ReadAhead.install(consumer.getDefaultMQPushConsumerImpl(),
            consumer.getConsumerGroup(), settings.pullsInFlight(), settings.maxInFlightMiB() * 1024L * 1024 / 2);
        if (readAhead.isPresent()) {
            LOG.info("{}: reads ahead while a queue has a backlog: as many pulls per queue as a round trip needs, up"
                + " to {}", linkName, settings.pullsInFlight());
        }
        return readAhead;
    }
}
