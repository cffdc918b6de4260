package dev.ferry.copy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.impl.consumer.PullAPIWrapper;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.exception.RemotingException;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several pulls in flight per source queue, for a source far away. RocketMQ's push consumer has one pull out per
 * queue at a time, and a broker answers at most 32 messages from memory (8 from disk) per pull: across a 50 ms
 * round trip a queue would move 640 messages a second at best. This takes the place of the consumer's pull
 * layer ({@link PullAPIWrapper}): while a queue has a backlog, it keeps pulls out ahead of the consumer (as many
 * as a round trip needs at the pace the queue is copied, {@link PullDepth}, up to {@code depth}), puts their
 * answers back in offset order ({@link PullWindow}), and answers each of the consumer's pulls with everything
 * contiguous it holds from the offset asked, as one large pull would.
 *
 * <pre>
 *   consumer:   pull 100 ---------------------------------&gt; answered 100..227, asks 228 ...
 *   read-ahead:  [100..132) [132..164) [164..196) [196..228)   out at once, answered in any order
 * </pre>
 *
 * <p>Why order and at-least-once hold: the consumer is answered only with the messages of {@code [offset, next)}
 * its subscription takes, complete and in offset order (see {@link PullWindow}); everything after that — its
 * process queue, flow control, queue locks, the orderly copier, commits — is RocketMQ's and Ferry's as without
 * read-ahead. Pulls made ahead commit nothing and hold nothing on the broker. A pull ahead that fails, or reaches
 * the queue's end, stops reading ahead for the queue: the consumer's next pull goes to the broker as it would
 * (a long poll when it is caught up, so a quiet queue is as quick as before). A queue the consumer asks for at
 * another offset (a reset, a queue taken again after a rebalance) starts afresh; answers of older pulls are
 * dropped. What is held ahead is bounded per queue ({@code depth} answers) and per link ({@code budgetBytes}).
 */
final class ReadAhead extends PullAPIWrapper {

    private static final Logger LOG = LoggerFactory.getLogger(ReadAhead.class);
    /** A pull ahead is not held by the broker; it may still take a while over a slow link. */
    private static final long AHEAD_TIMEOUT_MILLIS = 10_000;
    /** How often queues that moved away are forgotten. */
    private static final long SWEEP_MILLIS = 10_000;
    /** One per callback thread: it keeps the names and hosts it met, to share them. */
    private static final ThreadLocal<PullDecoder> DECODERS = ThreadLocal.withInitial(PullDecoder::new);

    private final DefaultMQPushConsumerImpl consumer;
    private final int depth;
    private final long budgetBytes;
    private final Map<MessageQueue, ReadAheadLane> lanes = new ConcurrentHashMap<>();
    /** Message bytes answered ahead and not yet taken, over every queue. */
    private final AtomicLong buffered = new AtomicLong();
    private volatile long lastSweepMillis = System.currentTimeMillis();

    private ReadAhead(DefaultMQPushConsumerImpl consumer, String group, int depth, long budgetBytes) {
        super(consumer.getmQClientFactory(), group, false);
        this.consumer = consumer;
        this.depth = depth;
        this.budgetBytes = budgetBytes;
        registerFilterMessageHook(new ArrayList<>());
    }

    /**
     * Puts read-ahead in the started consumer's place of its pull layer; false (reading on without it, as RocketMQ
     * does) when this client version lays its fields out otherwise.
     */
    static Optional<ReadAhead> install(DefaultMQPushConsumerImpl consumer, String group, int depth,
                                       long budgetBytes) {
        if (depth <= 1) {
            return Optional.empty();
        }
        try {
            Field field = DefaultMQPushConsumerImpl.class.getDeclaredField("pullAPIWrapper");
            field.setAccessible(true);
            ReadAhead readAhead = new ReadAhead(consumer, group, depth, budgetBytes);
            field.set(consumer, readAhead);
            return Optional.of(readAhead);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: cannot read ahead with this RocketMQ client ({}); one pull per queue at a time", group,
                e.toString());
            return Optional.empty();
        }
    }

    /**
     * The queues reading ahead now, as {@code topic/broker/queueId}, each with the pulls it keeps out while it
     * streams; sorted. Queues with nothing behind their consumer's pull (at their end) are left out.
     */
    SortedMap<String, Integer> depths() {
        SortedMap<String, Integer> depths = new TreeMap<>();
        lanes.forEach((queue, lane) -> {
            int pulls = lane.streamingDepth();
            if (pulls > 0) {
                depths.put(queue.getTopic() + "/" + queue.getBrokerName() + "/" + queue.getQueueId(), pulls);
            }
        });
        return depths;
    }

    @Override
    public PullResult processPullResult(MessageQueue queue, PullResult result, SubscriptionData subscription) {
        return result instanceof Assembled ? result : decoded(queue, result, subscription);
    }

    /**
     * What the client's {@code processPullResult} makes of a pull (the same messages, filtered and marked the same
     * way), decoded by {@link PullDecoder}, which leaves less garbage per message; a pull it leaves to the client
     * (an inner batch, bodies not read, a filter hook) the client's decoding takes.
     */
    private PullResult decoded(MessageQueue queue, PullResult result, SubscriptionData subscription) {
        PullResultExt pull = (PullResultExt) result;
        if (pull.getPullStatus() != PullStatus.FOUND || hasHook()
            || !consumer.getmQClientFactory().getClientConfig().isDecodeReadBody()) {
            return super.processPullResult(queue, result, subscription);
        }
        List<MessageExt> messages = DECODERS.get().decode(pull.getMessageBinary(),
            consumer.getmQClientFactory().getClientConfig().isDecodeDecompressBody());
        if (messages == null) {
            return super.processPullResult(queue, result, subscription);
        }
        updatePullFromWhichNode(queue, pull.getSuggestWhichBrokerId());
        if (!subscription.getTagsSet().isEmpty() && !subscription.isClassFilterMode()) {
            messages.removeIf(message -> message.getTags() == null
                || !subscription.getTagsSet().contains(message.getTags()));
        }
        for (MessageExt message : messages) {
            if (Boolean.parseBoolean(message.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED))) {
                message.setTransactionId(message.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
            }
            message.setBrokerName(queue.getBrokerName());
            message.setQueueId(queue.getQueueId());
            if (pull.getOffsetDelta() != null) {
                message.setQueueOffset(pull.getOffsetDelta() + message.getQueueOffset());
            }
        }
        if (!messages.isEmpty()) {
            // The client marks every message with the queue's offsets; its consumer reads them off the last of a
            // pull only (ProcessQueue, for the queue's lag). A put lands in a map beside the properties a message
            // keeps as stored (ReadMessage): on the last one only.
            MessageExt last = messages.get(messages.size() - 1);
            MessageAccessor.putProperty(last, MessageConst.PROPERTY_MIN_OFFSET, Long.toString(pull.getMinOffset()));
            MessageAccessor.putProperty(last, MessageConst.PROPERTY_MAX_OFFSET, Long.toString(pull.getMaxOffset()));
        }
        pull.setMsgFoundList(messages);
        pull.setMessageBinary(null);
        return pull;
    }

    @Override
    public PullResult pullKernelImpl(MessageQueue queue, String subExpression, String expressionType, long subVersion,
                                     long offset, int maxNums, int maxSizeInBytes, int sysFlag, long commitOffset,
                                     long brokerSuspendMaxTimeMillis, long timeoutMillis, CommunicationMode mode,
                                     PullCallback callback)
        throws MQClientException, RemotingException, MQBrokerException, InterruptedException {
        if (mode != CommunicationMode.ASYNC || callback == null) {
            return super.pullKernelImpl(queue, subExpression, expressionType, subVersion, offset, maxNums,
                maxSizeInBytes, sysFlag, commitOffset, brokerSuspendMaxTimeMillis, timeoutMillis, mode, callback);
        }
        sweepNowAndThen();
        ReadAheadLane lane = lanes.computeIfAbsent(queue,
            q -> new ReadAheadLane(depth, budgetBytes, buffered, System::nanoTime));
        ReadAheadLane.Step step = lane.consumerPulls(offset, new ReadAheadLane.Request(subExpression, expressionType,
            subVersion, maxNums, maxSizeInBytes, sysFlag, brokerSuspendMaxTimeMillis, timeoutMillis), callback);
        if (step.consumer() != null && step.answer() == null) {
            // The consumer's own pull, exactly as it made it (committing its offset, held when caught up).
            super.pullKernelImpl(queue, subExpression, expressionType, subVersion, offset, maxNums, maxSizeInBytes,
                sysFlag, commitOffset, brokerSuspendMaxTimeMillis, timeoutMillis, mode,
                new Watched(queue, lane, offset, callback));
            pullAhead(queue, lane, step.ahead());
            return null;
        }
        take(queue, lane, step);
        return null;
    }

    /** Does what a step says: answers the consumer, or makes its pull as it would have; then pulls ahead. */
    private void take(MessageQueue queue, ReadAheadLane lane, ReadAheadLane.Step step) {
        if (step.answer() != null) {
            step.consumer().onSuccess(new Assembled(step.answer()));
        } else if (step.consumer() != null) {
            pullDirect(queue, lane, step.request(), step.directOffset(), step.consumer());
        }
        pullAhead(queue, lane, step.ahead());
    }

    private void pullAhead(MessageQueue queue, ReadAheadLane lane, ReadAheadLane.Plan plan) {
        if (plan.starts().isEmpty()) {
            return;
        }
        ReadAheadLane.Request r = plan.request();
        int sysFlag = PullSysFlag.clearSuspendFlag(PullSysFlag.clearCommitOffsetFlag(r.sysFlag()));
        for (long start : plan.starts()) {
            try {
                super.pullKernelImpl(queue, r.subExpression(), r.expressionType(), r.subVersion(), start, r.maxNums(),
                    r.maxSizeInBytes(), sysFlag, 0, 0, Math.min(r.timeoutMillis(), AHEAD_TIMEOUT_MILLIS),
                    CommunicationMode.ASYNC, new Ahead(queue, lane, plan.generation(), start));
            } catch (Exception e) {
                take(queue, lane, lane.answered(plan.generation(), start, null));
            }
        }
    }

    /** The consumer's pull, made as the consumer made it (held at the broker when caught up). */
    private void pullDirect(MessageQueue queue, ReadAheadLane lane, ReadAheadLane.Request r, long offset,
                            PullCallback callback) {
        try {
            // Without the commit flag: the offset the consumer would have committed with it is not known here, and
            // the broker would take the 0 passed instead. Offsets are committed on their own schedule anyway.
            super.pullKernelImpl(queue, r.subExpression(), r.expressionType(), r.subVersion(), offset, r.maxNums(),
                r.maxSizeInBytes(), PullSysFlag.clearCommitOffsetFlag(r.sysFlag()), 0, r.brokerSuspendMaxTimeMillis(),
                r.timeoutMillis(), CommunicationMode.ASYNC, new Watched(queue, lane, offset, callback));
        } catch (Exception e) {
            callback.onException(e);
        }
    }

    /**
     * Every few seconds, forgets the queues this process no longer holds (rebalanced away) with what was read ahead
     * for them: the consumer will not ask for it.
     */
    private void sweepNowAndThen() {
        long now = System.currentTimeMillis();
        if (now - lastSweepMillis < SWEEP_MILLIS) {
            return;
        }
        lastSweepMillis = now;
        Map<MessageQueue, ProcessQueue> held = consumer.getRebalanceImpl().getProcessQueueTable();
        lanes.entrySet().removeIf(entry -> {
            ProcessQueue pq = held.get(entry.getKey());
            if (pq != null && !pq.isDropped()) {
                return false;
            }
            entry.getValue().forget();
            return true;
        });
    }

    /** The consumer's own pull, watched: a full answer with more behind it starts reading ahead. */
    private final class Watched implements PullCallback {
        private final MessageQueue queue;
        private final ReadAheadLane lane;
        private final long offset;
        private final PullCallback consumerCallback;

        Watched(MessageQueue queue, ReadAheadLane lane, long offset, PullCallback consumerCallback) {
            this.queue = queue;
            this.lane = lane;
            this.offset = offset;
            this.consumerCallback = consumerCallback;
        }

        @Override
        public void onSuccess(PullResult result) {
            if (result != null && result.getPullStatus() == PullStatus.FOUND) {
                pullAhead(queue, lane, lane.backlogSeen(offset, result.getNextBeginOffset(), result.getMaxOffset()));
            }
            consumerCallback.onSuccess(result);
        }

        @Override
        public void onException(Throwable e) {
            consumerCallback.onException(e);
        }
    }

    /** A pull made ahead: its answer, decoded and filtered as the consumer's own would be, joins the window. */
    private final class Ahead implements PullCallback {
        private final MessageQueue queue;
        private final ReadAheadLane lane;
        private final long generation;
        private final long start;

        Ahead(MessageQueue queue, ReadAheadLane lane, long generation, long start) {
            this.queue = queue;
            this.lane = lane;
            this.generation = generation;
            this.start = start;
        }

        @Override
        public void onSuccess(PullResult raw) {
            SubscriptionData subscription = consumer.getRebalanceImpl().getSubscriptionInner().get(queue.getTopic());
            PullWindow.Range range = null;
            if (raw != null && subscription != null) {
                PullResult result = decoded(queue, raw, subscription);
                if (result.getPullStatus() == PullStatus.FOUND || result.getPullStatus() == PullStatus.NO_MATCHED_MSG) {
                    range = new PullWindow.Range(start, result.getNextBeginOffset(),
                        result.getMsgFoundList() == null ? List.of() : result.getMsgFoundList(), result.getMaxOffset());
                }
                // Anything else (past the end, an offset the broker does not have): the consumer's own pull says.
            }
            take(queue, lane, lane.answered(generation, start, range));
        }

        @Override
        public void onException(Throwable e) {
            take(queue, lane, lane.answered(generation, start, null));
        }
    }

    /** Pulls put together for the consumer, already decoded and filtered. */
    private static final class Assembled extends PullResultExt {
        Assembled(PullWindow.Answer answer) {
            super(answer.messages().isEmpty() ? PullStatus.NO_MATCHED_MSG : PullStatus.FOUND, answer.next(), 0,
                answer.maxOffset(), answer.messages(), 0, null);
        }
    }
}
