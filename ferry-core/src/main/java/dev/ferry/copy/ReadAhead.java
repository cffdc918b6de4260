package dev.ferry.copy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
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
 * layer ({@link PullAPIWrapper}): while a queue has a backlog, it keeps up to {@code depth} pulls out ahead of
 * the consumer, puts their answers back in offset order ({@link PullWindow}), and answers each of the consumer's
 * pulls with everything contiguous it holds from the offset asked, as one large pull would.
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

    /** The consumer's pull arguments, which pulls made ahead repeat (minus suspending and committing). */
    private record Request(String subExpression, String expressionType, long subVersion, int maxNums,
                           int maxSizeInBytes, int sysFlag, long brokerSuspendMaxTimeMillis, long timeoutMillis) {
    }

    /** One source queue: its window, and the consumer's pull waiting on it. */
    private static final class Lane {
        final PullWindow window = new PullWindow();
        long generation;
        long consumerAt = -1;
        boolean streaming;
        Request request;
        PullCallback waiter;
        long waiterOffset;
    }

    private final DefaultMQPushConsumerImpl consumer;
    private final int depth;
    private final long budgetBytes;
    private final Map<MessageQueue, Lane> lanes = new ConcurrentHashMap<>();
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
    static boolean install(DefaultMQPushConsumerImpl consumer, String group, int depth, long budgetBytes) {
        if (depth <= 1) {
            return false;
        }
        try {
            Field field = DefaultMQPushConsumerImpl.class.getDeclaredField("pullAPIWrapper");
            field.setAccessible(true);
            field.set(consumer, new ReadAhead(consumer, group, depth, budgetBytes));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: cannot read ahead with this RocketMQ client ({}); one pull per queue at a time", group,
                e.toString());
            return false;
        }
    }

    @Override
    public PullResult processPullResult(MessageQueue queue, PullResult result, SubscriptionData subscription) {
        return result instanceof Assembled ? result : super.processPullResult(queue, result, subscription);
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
        Request request = new Request(subExpression, expressionType, subVersion, maxNums, maxSizeInBytes, sysFlag,
            brokerSuspendMaxTimeMillis, timeoutMillis);
        sweepNowAndThen();
        Lane lane = lanes.computeIfAbsent(queue, q -> new Lane());
        Assembled answer = null;
        boolean direct = false;
        List<Long> ahead;
        synchronized (lane) {
            long before = lane.window.bufferedBytes();
            if (lane.consumerAt != offset || !sameSubscription(lane.request, request)) {
                reset(lane);
            }
            lane.request = request;
            lane.consumerAt = offset;
            Optional<PullWindow.Answer> ready = lane.window.take(offset);
            if (ready.isPresent()) {
                answer = new Assembled(ready.get());
                lane.consumerAt = ready.get().next();
            } else if (lane.streaming) {
                lane.waiter = callback;
                lane.waiterOffset = offset;
            } else {
                direct = true;
            }
            ahead = lane.streaming ? planPulls(lane) : List.of();
            buffered.addAndGet(lane.window.bufferedBytes() - before);
        }
        if (direct) {
            super.pullKernelImpl(queue, subExpression, expressionType, subVersion, offset, maxNums, maxSizeInBytes,
                sysFlag, commitOffset, brokerSuspendMaxTimeMillis, timeoutMillis, mode,
                new Learning(queue, lane, offset, callback));
        }
        if (answer != null) {
            callback.onSuccess(answer);
        }
        pullAhead(queue, lane, ahead);
        return null;
    }

    private static boolean sameSubscription(Request before, Request now) {
        return before != null && before.subVersion() == now.subVersion()
            && Objects.equals(before.subExpression(), now.subExpression());
    }

    private static void reset(Lane lane) {
        lane.generation++;
        lane.window.clear();
        lane.streaming = false;
        lane.waiter = null;
    }

    /**
     * The pulls to make now, marked as out: the consumer's waiting pull when nothing out covers it, then pulls
     * ahead up to {@code depth}, while the link holds less than its budget. Called under the lane's lock.
     */
    private List<Long> planPulls(Lane lane) {
        List<Long> starts = new ArrayList<>();
        if (lane.waiter != null && !lane.window.mayCover(lane.waiterOffset)) {
            lane.window.pulling(lane.waiterOffset);
            starts.add(lane.waiterOffset);
        }
        while (bufferedBytes() < budgetBytes) {
            OptionalLong next = lane.window.nextAhead(lane.consumerAt, depth);
            if (next.isEmpty()) {
                break;
            }
            lane.window.pulling(next.getAsLong());
            starts.add(next.getAsLong());
        }
        return starts;
    }

    private long bufferedBytes() {
        return buffered.get();
    }

    private void pullAhead(MessageQueue queue, Lane lane, List<Long> starts) {
        Request request;
        long generation;
        synchronized (lane) {
            request = lane.request;
            generation = lane.generation;
        }
        int sysFlag = PullSysFlag.clearSuspendFlag(PullSysFlag.clearCommitOffsetFlag(request.sysFlag()));
        for (long start : starts) {
            try {
                super.pullKernelImpl(queue, request.subExpression(), request.expressionType(), request.subVersion(),
                    start, request.maxNums(), request.maxSizeInBytes(), sysFlag, 0, 0,
                    Math.min(request.timeoutMillis(), AHEAD_TIMEOUT_MILLIS), CommunicationMode.ASYNC,
                    new Ahead(queue, lane, generation, start));
            } catch (Exception e) {
                answered(queue, lane, generation, start, null);
            }
        }
    }

    /**
     * A pull made ahead returned (its range, or null when it failed or reached the queue's end): the consumer's
     * waiting pull is answered when it can be, or made afresh by the consumer's own rules when reading ahead stops.
     */
    private void answered(MessageQueue queue, Lane lane, long generation, long start, PullWindow.Range range) {
        Assembled answer = null;
        PullCallback waiter = null;
        long direct = -1;
        List<Long> ahead = List.of();
        synchronized (lane) {
            if (lane.generation != generation) {
                return;
            }
            long before = lane.window.bufferedBytes();
            if (range == null) {
                lane.window.failed(start);
                lane.streaming = false;
            } else {
                lane.window.pulled(range);
            }
            if (lane.waiter != null) {
                Optional<PullWindow.Answer> ready = lane.window.take(lane.waiterOffset);
                if (ready.isPresent()) {
                    answer = new Assembled(ready.get());
                    waiter = lane.waiter;
                    lane.waiter = null;
                    lane.consumerAt = ready.get().next();
                } else if (!lane.streaming && !lane.window.mayCover(lane.waiterOffset)) {
                    waiter = lane.waiter;
                    direct = lane.waiterOffset;
                    lane.waiter = null;
                }
            }
            if (lane.streaming) {
                ahead = planPulls(lane);
            }
            buffered.addAndGet(lane.window.bufferedBytes() - before);
        }
        if (answer != null) {
            waiter.onSuccess(answer);
        } else if (waiter != null) {
            pullDirect(queue, lane, direct, waiter);
        }
        pullAhead(queue, lane, ahead);
    }

    /** The consumer's pull, made as the consumer made it (suspended at the broker when caught up). */
    private void pullDirect(MessageQueue queue, Lane lane, long offset, PullCallback callback) {
        Request r;
        synchronized (lane) {
            r = lane.request;
        }
        try {
            // Without the commit flag: the offset the consumer would have committed with it is not known here, and
            // the broker would take the 0 passed instead. Offsets are committed on their own schedule anyway.
            super.pullKernelImpl(queue, r.subExpression(), r.expressionType(), r.subVersion(), offset, r.maxNums(),
                r.maxSizeInBytes(), PullSysFlag.clearCommitOffsetFlag(r.sysFlag()), 0, r.brokerSuspendMaxTimeMillis(),
                r.timeoutMillis(), CommunicationMode.ASYNC, new Learning(queue, lane, offset, callback));
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
            Lane lane = entry.getValue();
            synchronized (lane) {
                buffered.addAndGet(-lane.window.bufferedBytes());
                reset(lane);
            }
            return true;
        });
    }

    /** The consumer's own pull, watched: a full answer with more behind it starts reading ahead. */
    private final class Learning implements PullCallback {
        private final MessageQueue queue;
        private final Lane lane;
        private final long offset;
        private final PullCallback consumerCallback;

        Learning(MessageQueue queue, Lane lane, long offset, PullCallback consumerCallback) {
            this.queue = queue;
            this.lane = lane;
            this.offset = offset;
            this.consumerCallback = consumerCallback;
        }

        @Override
        public void onSuccess(PullResult result) {
            List<Long> ahead = List.of();
            if (result != null && result.getPullStatus() == PullStatus.FOUND
                && result.getNextBeginOffset() < result.getMaxOffset()) {
                synchronized (lane) {
                    if (lane.consumerAt == offset) {
                        lane.window.learn(offset, result.getNextBeginOffset(), result.getMaxOffset());
                        lane.consumerAt = result.getNextBeginOffset();
                        lane.streaming = true;
                        ahead = planPulls(lane);
                    }
                }
            }
            pullAhead(queue, lane, ahead);
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
        private final Lane lane;
        private final long generation;
        private final long start;

        Ahead(MessageQueue queue, Lane lane, long generation, long start) {
            this.queue = queue;
            this.lane = lane;
            this.generation = generation;
            this.start = start;
        }

        @Override
        public void onSuccess(PullResult raw) {
            SubscriptionData subscription = consumer.getRebalanceImpl().getSubscriptionInner().get(queue.getTopic());
            if (raw == null || subscription == null) {
                answered(queue, lane, generation, start, null);
                return;
            }
            PullResult result = ReadAhead.super.processPullResult(queue, raw, subscription);
            PullWindow.Range range = switch (result.getPullStatus()) {
                case FOUND, NO_MATCHED_MSG -> new PullWindow.Range(start, result.getNextBeginOffset(),
                    result.getMsgFoundList() == null ? List.of() : result.getMsgFoundList(), result.getMaxOffset());
                default -> null; // past the end, or an offset the broker does not have: the consumer's own pull says
            };
            answered(queue, lane, generation, start, range);
        }

        @Override
        public void onException(Throwable e) {
            answered(queue, lane, generation, start, null);
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
