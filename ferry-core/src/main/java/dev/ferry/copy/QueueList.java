package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Source queues written the way an operator reads them: one entry per topic and broker, the queue ids as ranges,
 * {@code orders/broker-a/0-3,6}. Eight queues of one broker fit in a table cell; the {@code topic/broker/queueId}
 * shape is the one {@code readAhead} in {@code /status} uses.
 *
 * <p>Only the backup's own topics count: Ferry's ({@code FERRY_HEARTBEAT}, which a link also subscribes to) and
 * RocketMQ's retry and dead-letter topics are the consumer's business, not what an operator asks about when they ask
 * which process copies what.
 */
public final class QueueList {

    private QueueList() {
    }

    /** The queues of {@code queues} that hold the backup's messages: Ferry's and RocketMQ's own topics left out. */
    public static Set<MessageQueue> copied(Collection<MessageQueue> queues) {
        Set<MessageQueue> copied = new TreeSet<>();
        for (MessageQueue queue : queues) {
            String topic = queue.getTopic();
            if (!FerryNames.isFerryTopic(topic) && !topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)
                && !topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) {
                copied.add(queue);
            }
        }
        return copied;
    }

    /** {@code [orders/broker-a/0-3,6, orders/broker-b/1]}: sorted by topic, broker and queue id. */
    public static List<String> compact(Collection<MessageQueue> queues) {
        SortedMap<String, SortedSet<Integer>> ids = new TreeMap<>();
        for (MessageQueue queue : copied(queues)) {
            ids.computeIfAbsent(queue.getTopic() + "/" + queue.getBrokerName(), k -> new TreeSet<>())
                .add(queue.getQueueId());
        }
        List<String> entries = new ArrayList<>();
        ids.forEach((topicAndBroker, queueIds) -> entries.add(topicAndBroker + "/" + ranges(queueIds)));
        return entries;
    }

    /** {@code 0-3,6}: runs of consecutive ids as ranges (two in a row are written {@code 4,5}). */
    static String ranges(SortedSet<Integer> ids) {
        StringBuilder text = new StringBuilder();
        Integer first = null;
        Integer last = null;
        for (int id : ids) {
            if (last != null && id == last + 1) {
                last = id;
                continue;
            }
            append(text, first, last);
            first = id;
            last = id;
        }
        append(text, first, last);
        return text.toString();
    }

    private static void append(StringBuilder text, Integer first, Integer last) {
        if (first == null) {
            return;
        }
        if (!text.isEmpty()) {
            text.append(',');
        }
        text.append(first);
        if (last > first + 1) {
            text.append('-').append(last);
        } else if (last == first + 1) {
            text.append(',').append(last);
        }
    }
}
