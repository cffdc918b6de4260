package dev.ferry.copy;

import java.util.Collection;
import java.util.Map;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * How far a link's consumer group is behind on the source, from the broker's consume stats: what RocketMQ
 * operators know as the group's "diff" and "last time".
 *
 * @param backlog     messages stored on the source and not yet copied
 * @param delayMillis for queues with a backlog, how long ago the last copied message was stored; 0 without backlog
 */
public record LinkProgress(long backlog, long delayMillis) {

    public static LinkProgress of(ConsumeStats stats, Collection<String> topics, long nowMillis) {
        long backlog = 0;
        long delay = 0;
        for (Map.Entry<MessageQueue, OffsetWrapper> queue : stats.getOffsetTable().entrySet()) {
            if (!topics.contains(queue.getKey().getTopic())) {
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
