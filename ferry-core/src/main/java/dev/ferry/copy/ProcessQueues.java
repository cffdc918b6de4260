package dev.ferry.copy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.consumer.store.RemoteBrokerOffsetStore;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.FindBrokerResult;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.impl.consumer.PullAPIWrapper;
import org.apache.rocketmq.client.impl.consumer.RebalanceImpl;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;

/**
 * The link's source queues as RocketMQ's push consumer holds them in this process: its process-queue table
 * (which queues rebalancing gave here, their locks on the source broker, what is pulled and not yet copied), its
 * in-memory offsets, and a pull of its own outside the consumer's flow. The one place that reaches into the
 * client's internals, so that a new client version changes one class.
 *
 * <p>Retry topics ({@code %RETRY%<group>}) are the consumer's own business and never counted here: an orderly
 * consumer retries in place.
 */
final class ProcessQueues implements SourceQueues, LockWaits.Consumer {

    /** How long a push consumer's pull may wait at the broker (the client's fixed 15 s), with some slack. */
    private static final long LONG_POLL_HOLD_MILLIS = 17_000;
    /** A pull out this long was held by the broker: one that finds messages returns in milliseconds. */
    private static final long HELD_PULL_MIN_MILLIS = 1_000;

    private final DefaultMQPushConsumerImpl consumer;
    private final String group;
    /** Queues {@link SlaveReads} reads from their slave and has not handed back: the consumer's not to copy. */
    private final Set<MessageQueue> readFromSlave = ConcurrentHashMap.newKeySet();
    /** Made on first use: the consumer has no client instance before it starts. */
    private volatile PullAPIWrapper pulls;

    ProcessQueues(DefaultMQPushConsumerImpl consumer, String group) {
        this.consumer = consumer;
        this.group = group;
    }

    /**
     * Held, and with a lock on the source broker that has not expired by the client's reckoning: the client
     * renews its locks every 20 s and counts one expired 30 s after the last renewal, before the broker
     * (60 s by default) can give the queue to another process. So a process cut off from the source stops
     * sending a queue before anyone else may start. Not while {@link SlaveReads} reads it from its slave
     * ({@link #readFromSlave}).
     */
    @Override
    public boolean owns(MessageQueue source) {
        ProcessQueue queue = table().get(source);
        return queue != null && !queue.isDropped() && queue.isLocked() && !queue.isLockExpired()
            && !readFromSlave.contains(source);
    }

    /**
     * The queue is read from its slave ({@link SlaveReads}), or no longer is: meanwhile the consumer does not
     * {@link #owns own} it, though it may lock it again as the master returns. Its copier then holds messages below
     * what was copied from the slave, and would commit their end, moving the offset back: the hand-back releases
     * the queue first, and the consumer takes it afresh at the offset reached.
     */
    void readFromSlave(MessageQueue queue, boolean reading) {
        if (reading) {
            readFromSlave.add(queue);
        } else {
            readFromSlave.remove(queue);
        }
    }

    @Override
    public Set<MessageQueue> listed() {
        return Set.copyOf(table().keySet());
    }

    /**
     * The queues RocketMQ's allocation gives this process, worked out as the client does it: the group's clients as
     * a broker lists them, and the consumer's strategy. An orderly consumer keeps a queue whose lock it was refused
     * out of its table, so the table does not tell.
     */
    @Override
    public Set<MessageQueue> allocatedHere(Set<String> topics) throws Exception {
        RebalanceImpl rebalance = consumer.getRebalanceImpl();
        MQClientInstance client = consumer.getmQClientFactory();
        Set<MessageQueue> allocated = new HashSet<>();
        for (String topic : rebalance.getSubscriptionInner().keySet()) {
            Set<MessageQueue> queues = rebalance.getTopicSubscribeInfoTable().get(topic);
            if (topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) || queues == null || queues.isEmpty()) {
                continue;
            }
            List<String> clients = client.findConsumerIdList(topic, group);
            if (clients == null || !clients.contains(client.getClientId())) {
                continue;
            }
            topics.add(topic);
            List<MessageQueue> all = new ArrayList<>(queues);
            Collections.sort(all);
            List<String> sortedClients = new ArrayList<>(clients);
            Collections.sort(sortedClients);
            allocated.addAll(consumer.getDefaultMQPushConsumer().getAllocateMessageQueueStrategy()
                .allocate(group, client.getClientId(), all, sortedClients));
        }
        return allocated;
    }

    @Override
    public long nextOffset(MessageQueue source) {
        return consumer.getOffsetStore().readOffset(source, ReadOffsetType.READ_FROM_MEMORY);
    }

    @Override
    public void advance(MessageQueue source, long nextOffset) {
        consumer.getOffsetStore().updateOffset(source, nextOffset, true);
    }

    /** Writes the offsets this process holds to the source brokers now (they are written periodically too). */
    void commitAll() {
        consumer.persistConsumerOffset();
    }

    /** Writes the queue's offset in this process to its master broker now, one way. */
    void commitToMaster(MessageQueue source, long nextOffset) throws Exception {
        if (consumer.getOffsetStore() instanceof RemoteBrokerOffsetStore remote) {
            remote.updateConsumeOffsetToBroker(source, nextOffset, false);
        }
    }

    /** Calls {@code action} with each source queue this process holds (not dropped), retry topics aside. */
    void forEachHeld(BiConsumer<MessageQueue, ProcessQueue> action) {
        for (Map.Entry<MessageQueue, ProcessQueue> entry : table().entrySet()) {
            if (!entry.getValue().isDropped() && !isRetryTopic(entry.getKey())) {
                action.accept(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Every queue in the table, dropped ones included, retry topics aside: for those who must see them go. */
    void forEachListed(BiConsumer<MessageQueue, ProcessQueue> action) {
        for (Map.Entry<MessageQueue, ProcessQueue> entry : table().entrySet()) {
            if (!isRetryTopic(entry.getKey())) {
                action.accept(entry.getKey(), entry.getValue());
            }
        }
    }

    /** The source queues this process copies now. */
    Set<MessageQueue> held() {
        Set<MessageQueue> held = new HashSet<>();
        table().forEach((queue, process) -> {
            if (!process.isDropped()) {
                held.add(queue);
            }
        });
        return held;
    }

    /** Whether this process holds a queue of {@code topic} (with several processes, one of them does). */
    boolean holdsAnyOf(String topic) {
        for (Map.Entry<MessageQueue, ProcessQueue> entry : table().entrySet()) {
            if (entry.getKey().getTopic().equals(topic) && !entry.getValue().isDropped()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the consumer's pull of the queue is being held at the broker: the queue is held here with nothing
     * pulled and not yet copied, and its last pull went out a second or more ago but less than the long poll's
     * hold (the client's fixed 15 s, with some slack). A pull that finds messages returns in milliseconds; the
     * broker holds one only when it found nothing to deliver at the pull's offset.
     */
    boolean pullHeldAtBroker(MessageQueue source, long nowMillis) {
        ProcessQueue queue = table().get(source);
        if (queue == null || queue.isDropped() || queue.getMsgCount().get() != 0) {
            return false;
        }
        long age = nowMillis - queue.getLastPullTimestamp();
        return age >= HELD_PULL_MIN_MILLIS && age < LONG_POLL_HOLD_MILLIS;
    }

    /**
     * The queue's tenure in this process: an object the consumer makes anew each time it is given the queue (its
     * process queue), so that one who remembers something of a queue can tell whether the queue left in between;
     * null when the queue is not held.
     */
    Object tenure(MessageQueue source) {
        ProcessQueue queue = table().get(source);
        return queue == null || queue.isDropped() ? null : queue;
    }

    /** Message bytes pulled from the source and not yet copied, over every queue held. */
    long pulledBytes() {
        long bytes = 0;
        for (ProcessQueue queue : table().values()) {
            bytes += queue.getMsgSize().get();
        }
        return bytes;
    }

    /** Whether the consumer subscribes to {@code topic}, so that {@link #pull} can read it. */
    boolean subscribes(String topic) {
        return consumer.getRebalanceImpl().getSubscriptionInner().containsKey(topic);
    }

    /**
     * One pull of at most {@code maxMessages} of {@code source} from {@code offset}, with the consumer's
     * subscription (its filter), by whichever broker of the queue answers (a slave where the master is down),
     * outside the consumer's flow: nothing is committed or handed to the listener.
     */
    PullResult pull(MessageQueue source, long offset, int maxMessages, long timeoutMillis) throws Exception {
        SubscriptionData subscription = consumer.getRebalanceImpl().getSubscriptionInner().get(source.getTopic());
        if (subscription == null) {
            throw new IllegalStateException("not subscribed to " + source.getTopic());
        }
        PullAPIWrapper wrapper = pulls;
        if (wrapper == null) {
            wrapper = new PullAPIWrapper(consumer.getmQClientFactory(), group, false);
            pulls = wrapper;
        }
        int sysFlag = PullSysFlag.buildSysFlag(false, false, true, false);
        PullResult result = wrapper.pullKernelImpl(source, subscription.getSubString(),
            subscription.getExpressionType(), subscription.getSubVersion(), offset, maxMessages, sysFlag, 0, 0,
            timeoutMillis, CommunicationMode.SYNC, null);
        return wrapper.processPullResult(source, result, subscription);
    }

    /** True when the client's route for {@code brokerName} has no master, only a slave. */
    @Override
    public boolean masterless(String brokerName) {
        MQClientInstance client = consumer.getmQClientFactory();
        if (client.findBrokerAddressInSubscribe(brokerName, MixAll.MASTER_ID, true) != null) {
            return false;
        }
        FindBrokerResult any = client.findBrokerAddressInSubscribe(brokerName, MixAll.MASTER_ID, false);
        return any != null && any.isSlave();
    }

    /** Lets the queue go, with what was pulled of it: the next rebalance takes it afresh (lock, broker's offset). */
    void release(MessageQueue source) {
        consumer.getRebalanceImpl().removeProcessQueue(source);
    }

    /** Has the consumer rebalance now rather than at its next round (20 s). */
    @Override
    public void rebalanceNow() {
        consumer.getmQClientFactory().rebalanceImmediately();
    }

    private Map<MessageQueue, ProcessQueue> table() {
        return consumer.getRebalanceImpl().getProcessQueueTable();
    }

    private static boolean isRetryTopic(MessageQueue queue) {
        return queue.getTopic().startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX);
    }
}
