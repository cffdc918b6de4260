package dev.ferry.cluster;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Delay-level messages ({@code DELAY}, RocketMQ 4.x style: {@code setDelayTimeLevel}) a cluster holds and has not
 * delivered yet, over all topics. A broker stores such a message in {@code SCHEDULE_TOPIC_XXXX}, queue
 * <i>level - 1</i>, and moves it into its topic when due, in store order per level; the offset it has moved up to is
 * its delay offset of that level ({@code GET_ALL_DELAY_OFFSET}). What waits is the rest of the queue:
 *
 * <pre>
 *   SCHEDULE_TOPIC_XXXX queue 1 (level 2):  [min ... delivered | waiting ... max)
 *                                                               \_ counted _/
 * </pre>
 *
 * The queue holds every topic's messages of that level, and telling them apart would mean reading them all: the
 * count is the cluster's, not a topic's. Timer messages are counted per topic ({@link PendingTimers}).
 */
final class PendingDelays {

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES) // fastjson writes the levels as bare numbers
        .build();

    private PendingDelays() {
    }

    /** Not yet due on these masters; empty when a master does not say (refused, or not a 4.x/5.x broker). */
    static OptionalLong count(DefaultMQAdminExt admin, RemotingClient client, List<String> masters,
                              long timeoutMillis) throws InterruptedException {
        return MasterCounts.sum(masters, master -> {
            byte[] body = MasterCounts.ask(client, master, RequestCode.GET_ALL_DELAY_OFFSET, timeoutMillis);
            Map<Integer, Long> delivered = body == null ? Map.of()
                : deliveredPerLevel(new String(body, StandardCharsets.UTF_8));
            Map<Integer, TopicOffset> scheduleQueues = new HashMap<>();
            admin.examineTopicStats(master, TopicValidator.RMQ_SYS_SCHEDULE_TOPIC).getOffsetTable()
                .forEach((queue, offsets) -> scheduleQueues.put(queue.getQueueId(), offsets));
            return waiting(delivered, scheduleQueues);
        });
    }

    /** A broker's delay offsets, {@code {"offsetTable": {1: 5, 2: 0}}}: per level, the next offset to deliver. */
    static Map<Integer, Long> deliveredPerLevel(String delayOffsets) throws Exception {
        Map<Integer, Long> delivered = new HashMap<>();
        JsonNode table = JSON.readTree(delayOffsets).path("offsetTable");
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> level = it.next();
            delivered.put(Integer.parseInt(level.getKey().trim()), level.getValue().asLong(0));
        }
        return delivered;
    }

    /** Per schedule queue (level - 1), what lies between the delivered offset (or the queue's start) and its end. */
    static long waiting(Map<Integer, Long> deliveredPerLevel, Map<Integer, TopicOffset> scheduleQueues) {
        long waiting = 0;
        for (Map.Entry<Integer, TopicOffset> queue : scheduleQueues.entrySet()) {
            long from = Math.max(queue.getValue().getMinOffset(), deliveredPerLevel.getOrDefault(queue.getKey() + 1, 0L));
            waiting += Math.max(0, queue.getValue().getMaxOffset() - from);
        }
        return waiting;
    }
}
