package dev.ferry.copy;

import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;

/**
 * How far a link's consumer group is behind on the source, from the broker's consume stats: what RocketMQ
 * operators know as the group's "diff" and "last time".
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
 * @param backlog     messages stored on the source and not yet copied
 * @param delayMillis for queues with a backlog, how long ago the last copied message was stored; 0 without backlog
 */
public record LinkProgress(long backlog, long delayMillis) {

    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis) {
        return of(stats, topics, nowMillis, queue -> false);
    }

    /** As {@link #of(ConsumeStats, Collection, long)}, counting the queues {@code caughtUp} names as up to date. */
    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis,
                                  Predicate<MessageQueue> caughtUp) {
        long backlog = 0;
        long delay = 0;
        for (Map.Entry<MessageQueue, OffsetWrapper> queue : stats.getOffsetTable().entrySet()) {
            if (!topics.contains(queue.getKey().getTopic()) || caughtUp.test(queue.getKey())) {
                continue;
            }
            OffsetWrapper offsets = queue.getValue();
            long behind = Math.max(0, offsets.getBrokerOffset() - offsets.getConsumerOffset());
            backlog += behind;
            if (behind > 0 && offsets.getLastTimestamp() > 0) {
                delay = Math.max(delay, nowMillis - offsets.getLastTimestamp());
            }
        }
        return new LinkProgress(backlog, delay);
    }
}
