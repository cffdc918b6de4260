package dev.ferry.operate;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.QueuePuller;
import dev.ferry.names.FerryNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The consumer offset reset of the seed: a group's offsets on one cluster's topic set to the earliest, the
 * latest, or a point in time. For a point in time, a copied message counts at its origin's time
 * ({@code FERRY_ORIGIN_TIME}), not when Ferry stored it: after an outage a backlog is copied late, and a reset
 * by store time would have the group read those old messages again.
 *
 * <p>How the time is found, per queue: RocketMQ's own search by store time gives {@code p0}, the first message
 * stored at or after t; everything before it is older than t in origin time too (a copy is stored after its
 * origin). From {@code p0} on, copies whose origin time is before t are stepped over, up to the first message
 * at or after t; after that, nothing is skipped (late copies interleaved further on are read again, never lost):
 *
 * <pre>
 *   store time:   ... &lt;t | t+1   t+2   t+3   t+4 ...
 *   origin time:  ... &lt;t | t-90  t-60  t+2   t-30 ...     reset to t lands here: ^ (the t+2 message)
 *                          p0    skip  skip
 * </pre>
 */
public final class OffsetReset {

    /** How many messages one queue's search steps over at most before settling where it is (safe: earlier). */
    static final int MAX_SCAN = 10_000;

    /** Where the group is set on one queue. */
    public record Position(MessageQueue queue, long current, long target) {
    }

    private OffsetReset() {
    }

    public static List<Position> toEarliest(ClusterAdmin cluster, String group, String topic) throws Exception {
        List<Position> positions = new ArrayList<>();
        for (MessageQueue queue : cluster.queues(topic)) {
            positions.add(new Position(queue, current(cluster, group, queue), cluster.minOffset(queue)));
        }
        return positions;
    }

    public static List<Position> toLatest(ClusterAdmin cluster, String group, String topic) throws Exception {
        List<Position> positions = new ArrayList<>();
        for (MessageQueue queue : cluster.queues(topic)) {
            positions.add(new Position(queue, current(cluster, group, queue), cluster.maxOffset(queue)));
        }
        return positions;
    }

    public static List<Position> toTime(ClusterAdmin cluster, String group, String topic, Instant time) throws Exception {
        List<Position> positions = new ArrayList<>();
        for (MessageQueue queue : cluster.queues(topic)) {
            long byStoreTime = cluster.offsetAt(queue, time.toEpochMilli());
            long target = firstAtOrAfterOrigin(cluster, queue, byStoreTime, cluster.maxOffset(queue), time.toEpochMilli());
            positions.add(new Position(queue, current(cluster, group, queue), target));
        }
        return positions;
    }

    /**
     * Sets the offsets, creating the group if the cluster does not have it; a group with consumers online is
     * reset through its broker, which tells them.
     */
    public static void apply(ClusterAdmin cluster, String group, List<Position> positions) throws Exception {
        Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
        positions.forEach(position -> offsets.put(position.queue(), position.target()));
        cluster.moveGroup(group, offsets);
    }

    /** The origin time of a message: FERRY_ORIGIN_TIME on a copy, the store time on a local message. */
    static long originTime(MessageExt message) {
        String origin = message.getProperty(FerryNames.ORIGIN_TIME);
        if (origin != null) {
            try {
                return Long.parseLong(origin);
            } catch (NumberFormatException notANumber) {
                return message.getStoreTimestamp();
            }
        }
        return message.getStoreTimestamp();
    }

    private static long firstAtOrAfterOrigin(ClusterAdmin cluster, MessageQueue queue, long from, long max,
                                             long epochMillis) throws Exception {
        if (from >= max) {
            return from;
        }
        // Plain pulls (QueuePuller): a RocketMQ 4.x cluster refuses the 5.x lite pull consumer's requests.
        try (QueuePuller reader = QueuePuller.open(cluster.cluster(), FerryNames.OFFSET_RESET_GROUP, "offset-reset")) {
            long next = from;
            long scanned = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (next < max && scanned < MAX_SCAN && System.nanoTime() < deadline) {
                PullResult result = reader.pull(queue, next, 32);
                if (result.getPullStatus() == PullStatus.FOUND) {
                    for (MessageExt message : result.getMsgFoundList()) {
                        if (message.getQueueOffset() < next) {
                            continue;
                        }
                        if (originTime(message) >= epochMillis) {
                            return message.getQueueOffset();
                        }
                        next = message.getQueueOffset() + 1;
                        if (++scanned >= MAX_SCAN) {
                            return next;
                        }
                    }
                } else if (result.getPullStatus() != PullStatus.OFFSET_ILLEGAL) {
                    return next; // the queue's end
                }
                if (result.getNextBeginOffset() <= next && result.getPullStatus() != PullStatus.FOUND) {
                    return next; // no progress
                }
                next = Math.max(next, result.getNextBeginOffset());
            }
            return next;
        }
    }

    private static long current(ClusterAdmin cluster, String group, MessageQueue queue) throws Exception {
        OptionalLong offset = cluster.committedOffset(group, queue);
        return offset.orElse(-1);
    }
}
