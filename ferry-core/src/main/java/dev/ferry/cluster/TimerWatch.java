package dev.ferry.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Timer messages a source holds for a link's topics, not yet due: how many ({@link PendingTimers}, the brokers' own
 * count) and when the first is due, which no broker says. For that it keeps reading each master's timer topic,
 * {@code rmq_sys_wheel_timer}, where every timer message is stored with its topic and due time before the wheel takes
 * it, and the wheel's read time from the timer checkpoint ({@link TimerDues} has the bookkeeping):
 *
 * <pre>
 *   producer --TIMER_DELIVER_MS--&gt; rmq_sys_wheel_timer --&gt; wheel --due--&gt; orders --&gt; Ferry --&gt; target
 *                                   \_ read here, on from where it stopped    \_ GET_TIMER_CHECK_POINT: how far the
 *                                                                                  wheel took in, its read time
 * </pre>
 *
 * <p>What it costs, per link and master, each time it is asked (every few seconds, on a thread of the link's own):
 * <ul>
 *   <li>while the master counts no timer waiting for the topics, a read of what entered the timer topic since the
 *       wheel's checkpoint: about a second of the cluster's timers, of every topic;</li>
 *   <li>otherwise what entered since the last asking; the first time, everything that entered within the broker's
 *       longest delay ({@code timerMaxDelaySec}, 3 days by default), which is all that could still wait.</li>
 * </ul>
 * A pull cannot leave bodies out: the broker sends them, Ferry does not decode them. Each asking reads for at most
 * {@link #READ_BUDGET_MILLIS}; until a master is read to its end, its first due time is not known (-1). A cluster
 * whose timers enter faster than that reads (about 6,000 a second on a fast network, far fewer across regions) keeps
 * it unknown.
 *
 * <p>The link's group reads, committing nothing; the broker counts the reads in the group's statistics, and for ten
 * minutes after the link's consumer leaves, lists the timer topic among the group's subscriptions. A master that
 * refuses the read (ACL without {@code Sub} and {@code Get} on {@code rmq_sys_wheel_timer}), or has no timer wheel
 * (RocketMQ 4.x), leaves the count and makes the due time -1; a read that fails keeps what was read, and the next
 * asking goes on from there. A timer deleted by its producer ({@code TIMER_DEL_UNIQKEY}) is taken off by its due
 * time; due times are accurate to the wheel's precision ({@code timerPrecisionMs}, 1 s by default).
 */
public final class TimerWatch {

    static final String TIMER_TOPIC = "rmq_sys_wheel_timer";
    /** The broker's default {@code timerMaxDelaySec}: 3 days. */
    static final long DEFAULT_MAX_DELAY_SECONDS = 3 * 24 * 3600;
    /** How long one asking may read a master's timer topic: a huge timer backlog is read across askings. */
    static final long READ_BUDGET_MILLIS = 1_000;
    private static final int PER_PULL = 32;
    /** How long a master that refused the timer count is not asked again. */
    private static final long NO_WHEEL_ASKED_AGAIN_MILLIS = 10 * 60_000;

    private final Set<String> topics;
    private final String group;
    private final Map<String, TimerDues> masters = new HashMap<>();
    /** Masters that do not know the timer count (RocketMQ 4.x: no wheel), not asked again until then (epoch millis). */
    private final Map<String, Long> noWheelUntil = new HashMap<>();

    /**
     * @param topics the link's topics: timers of other topics are not counted
     * @param group  the link's consumer group, which reads the timer topic (committing nothing)
     */
    public TimerWatch(Collection<String> topics, String group) {
        this.topics = Set.copyOf(topics);
        this.group = group;
    }

    /** The timers waiting on these masters for the topics, and when the first is due; unknown when a master does not say. */
    synchronized PendingMessages pending(DefaultMQAdminExt admin, List<String> masters, long timeoutMillis)
        throws InterruptedException {
        MQClientAPIImpl api = admin.getDefaultMQAdminExtImpl().getMqClientInstance().getMQClientAPIImpl();
        this.masters.keySet().retainAll(masters);
        noWheelUntil.keySet().retainAll(masters);
        long now = System.currentTimeMillis();
        return MasterCounts.combine(masters, new PendingMessages(0, -1), master -> {
            if (now < noWheelUntil.getOrDefault(master, 0L)) {
                throw new IllegalStateException(master + " has no timer wheel");
            }
            // In this order: the wheel's position, then its count, then the topic's end. Whatever the wheel had taken
            // in at its checkpoint is in the count or delivered; whatever it counts lies before the end read after.
            Wheel wheel = wheel(api, master, timeoutMillis);
            byte[] metrics;
            try {
                metrics = MasterCounts.ask(api.getRemotingClient(), master, RequestCode.GET_TIMER_METRICS,
                    timeoutMillis);
            } catch (MasterCounts.Refused refused) {
                if (refused.unknownRequest()) {
                    // A broker without the request logs each one it refuses: asked again in a while, not every time.
                    noWheelUntil.put(master, now + NO_WHEEL_ASKED_AGAIN_MILLIS);
                }
                throw refused;
            }
            noWheelUntil.remove(master);
            if (metrics == null) {
                throw new IllegalStateException(master + " sent no timer metrics");
            }
            long count = PendingTimers.count(new String(metrics, StandardCharsets.UTF_8), topics);
            return new PendingMessages(count, wheel == null ? -1 : oldestDue(api, admin, master, wheel, count,
                timeoutMillis));
        }, PendingMessages::and).orElse(PendingMessages.UNKNOWN);
    }

    /** The timer checkpoint: the wheel's read time and the offset of the timer topic it has taken in up to. */
    private record Wheel(long readTimeMillis, long takenInBefore) {
    }

    /** The master's timer checkpoint; null when it does not say (refused, or RocketMQ 4.x: no timer wheel). */
    private static Wheel wheel(MQClientAPIImpl api, String master, long timeoutMillis) throws InterruptedException {
        try {
            byte[] checkpoint = MasterCounts.ask(api.getRemotingClient(), master, RequestCode.GET_TIMER_CHECK_POINT,
                timeoutMillis);
            if (checkpoint == null || checkpoint.length < 3 * Long.BYTES) {
                return null;
            }
            // TimerCheckpoint.encode: lastReadTimeMs, lastTimerLogFlushPos, lastTimerQueueOffset, ...
            ByteBuffer fields = ByteBuffer.wrap(checkpoint);
            return new Wheel(fields.getLong(0), fields.getLong(2 * Long.BYTES));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception refusedOrNoWheel) {
            return null;
        }
    }

    /** The master's first due time of the topics' timers; -1 when none waits or it is not known (yet). */
    private long oldestDue(MQClientAPIImpl api, DefaultMQAdminExt admin, String master, Wheel wheel, long count,
                           long timeoutMillis) throws InterruptedException {
        try {
            TopicOffset queue = admin.examineTopicStats(master, TIMER_TOPIC).getOffsetTable().entrySet().stream()
                .filter(e -> e.getKey().getQueueId() == 0).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException(master + " has no queue 0 of " + TIMER_TOPIC));
            TimerDues dues = masters.get(master);
            if (dues == null || queue.getMaxOffset() < dues.next()) {
                dues = new TimerDues(topics); // first asked, or another store behind the address: from the start
                masters.put(master, dues);
            }
            if (count == 0) {
                dues.noneTakenIn(wheel.takenInBefore());
            } else if (dues.next() < 0) {
                dues.startAt(startOffset(api, admin, master, timeoutMillis));
            }
            dues.notBefore(queue.getMinOffset());
            read(api, master, dues, queue.getMaxOffset(), timeoutMillis);
            dues.wheelAt(wheel.takenInBefore(), wheel.readTimeMillis());
            return dues.oldestDue(count);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception refusedOrTimedOut) {
            return -1; // what was read stays: the next asking goes on from there
        }
    }

    /** Where the first read starts: what entered the timer topic within the broker's longest delay may still wait. */
    private static long startOffset(MQClientAPIImpl api, DefaultMQAdminExt admin, String master, long timeoutMillis)
        throws Exception {
        long maxDelaySeconds;
        try {
            maxDelaySeconds = Long.parseLong(admin.getBrokerConfig(master)
                .getProperty("timerMaxDelaySec", String.valueOf(DEFAULT_MAX_DELAY_SECONDS)).trim());
        } catch (NumberFormatException unreadable) {
            maxDelaySeconds = DEFAULT_MAX_DELAY_SECONDS;
        }
        // A minute more: a message stored just before the cut with the longest delay is not yet delivered.
        long since = System.currentTimeMillis() - maxDelaySeconds * 1000 - 60_000;
        return api.searchOffset(master, TIMER_TOPIC, 0, since, timeoutMillis);
    }

    /** Reads the timer topic on from where it stopped, up to {@code end} or the budget. */
    private void read(MQClientAPIImpl api, String master, TimerDues dues, long end, long timeoutMillis)
        throws Exception {
        long until = System.currentTimeMillis() + READ_BUDGET_MILLIS;
        while (dues.next() < end && System.currentTimeMillis() < until) {
            long from = dues.next();
            MasterPull pull = MasterPull.pull(api, master, group, TIMER_TOPIC, 0, from, PER_PULL, false, timeoutMillis);
            for (MessageExt entry : pull.messages()) {
                if (entry.getQueueOffset() < from) {
                    continue;
                }
                long due = dueMillis(entry);
                // An entry without a due time the wheel does not take either (the broker refuses such a timer).
                dues.read(due < 0 ? null : entry.getProperty(MessageConst.PROPERTY_REAL_TOPIC), due, kind(entry),
                    entry.getQueueOffset() + 1);
            }
            if (pull.next() <= from) {
                break; // no progress: read on at the next call
            }
            dues.notBefore(pull.next());
        }
        dues.readTo(end);
    }

    /** A rolled entry first: the wheel puts back deletions too, which were taken off when first read. */
    static TimerDues.Kind kind(MessageExt entry) {
        if (entry.getProperty(MessageConst.PROPERTY_TIMER_ROLL_TIMES) != null) {
            return TimerDues.Kind.ROLLED;
        }
        return entry.getProperty(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY) != null ? TimerDues.Kind.DELETION
            : TimerDues.Kind.TIMER;
    }

    private static long dueMillis(MessageExt entry) {
        try {
            return Long.parseLong(entry.getProperty(MessageConst.PROPERTY_TIMER_OUT_MS));
        } catch (NumberFormatException unreadable) { // absent too
            return -1;
        }
    }
}
