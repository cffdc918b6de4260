package dev.ferry.copy;

import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;

/**
 * How far a link's consumer group is behind on the source, from the broker's consume stats: what RocketMQ
 * operators know as the group's "diff" and "last time", and how much of it the link has not even read yet.
 *
 * <p>The broker's committed offset trails what is copied: the consumer writes it every {@code commitInterval}
 * and with each pull (the offset before that pull's messages). A process that copies a queue knows better, and
 * says so ({@code copiedOffset}); without it, at a low rate every queue would show a backlog of the last message
 * or two, and a delay of the time between messages (hundreds of ms at a few messages a second per queue).
 *
 * <p>With a filtered subscription (the loop check, a backup's filter) the diff also counts messages the
 * broker will pass over: the committed offset moves past them only when the consumer's long-polling pull
 * returns, up to 15 s later (RocketMQ's fixed hold). Reported as is, every pause in two-way traffic would
 * show a backlog and a delay growing to 15 s. So a queue the caller knows to be caught up (this process
 * holds it, has nothing of it waiting in memory, and its pull is waiting at the broker for a match) counts
 * as no backlog:
 *
 * <pre>
 *   source queue:  ... copied | B-copy B-copy B-copy |      broker diff 3, all of them passed over
 *                             ^ committed             ^ max  the pull waits for a match: backlog 0
 * </pre>
 *
 * <p>What the link has read but the target has not acknowledged yet is in flight, not waiting: the broker
 * records where each pull of the group ends ({@code pullOffset}), so {@code mostUnread} tells a link that keeps
 * up (a pull takes all there is) from one catching up (more waits on the source than a pull takes).
 *
 * <pre>
 *   source queue:  ... copied | read, in flight | unread |
 *                             ^ copied offset   ^ pull   ^ max     backlog = in flight + unread
 * </pre>
 *
 * @param backlog     messages stored on the source and not yet copied
 * @param delayMillis for queues with a backlog, how long ago the last copied message was stored; 0 without backlog
 * @param mostUnread  the most messages one queue holds that the link has not read yet (stored after its last
 *                    pull, or beyond what that pull took)
 */
public record LinkProgress(long backlog, long delayMillis, long mostUnread) {

    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis) {
        return of(stats, topics, nowMillis, queue -> false);
    }

    /** As {@link #of(ConsumeStats, Collection, long)}, counting the queues {@code caughtUp} names as up to date. */
    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis,
                                  Predicate<MessageQueue> caughtUp) {
        return of(stats, topics, nowMillis, caughtUp, queue -> -1);
    }

    /**
     * As {@link #of(ConsumeStats, Collection, long, Predicate)}, with {@code copiedOffset} the offset below which
     * the caller knows every message of a queue copied (-1 when it does not know: the broker's committed offset
     * stands).
     */
    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis,
                                  Predicate<MessageQueue> caughtUp, ToLongFunction<MessageQueue> copiedOffset) {
        long backlog = 0;
        long delay = 0;
        long mostUnread = 0;
        for (Map.Entry<MessageQueue, OffsetWrapper> queue : stats.getOffsetTable().entrySet()) {
            if (!topics.contains(queue.getKey().getTopic()) || caughtUp.test(queue.getKey())) {
                continue;
            }
            OffsetWrapper offsets = queue.getValue();
            long copied = Math.max(offsets.getConsumerOffset(), copiedOffset.applyAsLong(queue.getKey()));
            long behind = Math.max(0, offsets.getBrokerOffset() - copied);
            backlog += behind;
            if (behind > 0 && offsets.getLastTimestamp() > 0) {
                delay = Math.max(delay, nowMillis - offsets.getLastTimestamp());
            }
            long read = Math.max(copied, offsets.getPullOffset());
            mostUnread = Math.max(mostUnread, offsets.getBrokerOffset() - read);
        }
        return new LinkProgress(backlog, delay, mostUnread);
    }
}
