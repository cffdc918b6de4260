package dev.ferry.cluster;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
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
 *
 * <p>A level's messages are delivered in store order, and all wait the same delay, so the first one waiting is the
 * first due of its level: its store time plus the level's delay (the broker's {@code messageDelayLevel}, e.g.
 * {@code 1s 5s 10s 30s 1m ...}). It is read with one pull of one message at the level's delivered offset; the
 * earliest over the levels and masters is the oldest due time. A broker that refuses that read (ACL without rights
 * on {@code SCHEDULE_TOPIC_XXXX}) leaves the count and makes the due time unknown.
 */
final class PendingDelays {

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES) // fastjson writes the levels as bare numbers
        .build();

    /** The broker's default {@code messageDelayLevel}, for a broker that does not list it. */
    static final String DEFAULT_DELAY_LEVELS = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";
    private static final Map<Character, Long> UNITS = Map.of('s', 1_000L, 'm', 60_000L, 'h', 3_600_000L,
        'd', 86_400_000L);

    private PendingDelays() {
    }

    /**
     * Not yet due on these masters, the schedule topic read as {@code group}; unknown when a master does not say
     * (refused, or not a 4.x/5.x broker).
     */
    static PendingMessages pending(DefaultMQAdminExt admin, List<String> masters, String group, long timeoutMillis)
        throws InterruptedException {
        MQClientAPIImpl api = admin.getDefaultMQAdminExtImpl().getMqClientInstance().getMQClientAPIImpl();
        return MasterCounts.combine(masters, new PendingMessages(0, -1), master -> {
            byte[] body = MasterCounts.ask(api.getRemotingClient(), master, RequestCode.GET_ALL_DELAY_OFFSET,
                timeoutMillis);
            Map<Integer, Long> delivered = body == null ? Map.of()
                : deliveredPerLevel(new String(body, StandardCharsets.UTF_8));
            Map<Integer, TopicOffset> scheduleQueues = new HashMap<>();
            admin.examineTopicStats(master, TopicValidator.RMQ_SYS_SCHEDULE_TOPIC).getOffsetTable()
                .forEach((queue, offsets) -> scheduleQueues.put(queue.getQueueId(), offsets));
            long count = waiting(delivered, scheduleQueues);
            return new PendingMessages(count, count == 0 ? -1
                : oldestDue(api, admin, master, group, delivered, scheduleQueues, timeoutMillis));
        }, PendingMessages::and).orElse(PendingMessages.UNKNOWN);
    }

    /** The earliest due time of the master's waiting messages; -1 when it does not say. */
    private static long oldestDue(MQClientAPIImpl api, DefaultMQAdminExt admin, String master, String group,
                                  Map<Integer, Long> delivered, Map<Integer, TopicOffset> scheduleQueues,
                                  long timeoutMillis) throws InterruptedException {
        try {
            Map<Integer, Long> delays = delayPerLevel(
                admin.getBrokerConfig(master).getProperty("messageDelayLevel", DEFAULT_DELAY_LEVELS));
            long oldest = -1;
            for (Map.Entry<Integer, TopicOffset> queue : scheduleQueues.entrySet()) {
                int level = queue.getKey() + 1;
                long first = firstWaiting(delivered, level, queue.getValue());
                Long delay = delays.get(level);
                if (first < 0 || delay == null) {
                    continue;
                }
                long due = storedAt(api, master, group, queue.getKey(), first, timeoutMillis) + delay;
                oldest = oldest < 0 ? due : Math.min(oldest, due);
            }
            return oldest;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception refused) {
            return -1;
        }
    }

    /** The store time of the schedule queue's message at {@code offset}: one pull of one message, nothing committed. */
    private static long storedAt(MQClientAPIImpl api, String master, String group, int queueId, long offset,
                                 long timeoutMillis) throws Exception {
        List<MessageExt> messages = MasterPull.pull(api, master, group, TopicValidator.RMQ_SYS_SCHEDULE_TOPIC, queueId,
            offset, 1, false, timeoutMillis).messages();
        if (messages.isEmpty()) {
            throw new IllegalStateException(master + " holds no schedule message at " + queueId + "/" + offset);
        }
        return messages.get(0).getStoreTimestamp();
    }

    /** The offset of the level's first message not yet delivered, or -1 when none waits. */
    static long firstWaiting(Map<Integer, Long> deliveredPerLevel, int level, TopicOffset queue) {
        long from = Math.max(queue.getMinOffset(), deliveredPerLevel.getOrDefault(level, 0L));
        return from < queue.getMaxOffset() ? from : -1;
    }

    /**
     * The broker's {@code messageDelayLevel}, {@code "1s 5s 10s 30s 1m"}, as millis per level (from 1); units s, m, h,
     * d as the broker reads them. A level the broker could not read either is left out.
     */
    static Map<Integer, Long> delayPerLevel(String messageDelayLevel) {
        Map<Integer, Long> delays = new HashMap<>();
        String[] levels = messageDelayLevel.trim().split("\\s+");
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.length() < 2) {
                continue;
            }
            Long unit = UNITS.get(level.charAt(level.length() - 1));
            try {
                if (unit != null) {
                    delays.put(i + 1, Long.parseLong(level.substring(0, level.length() - 1)) * unit);
                }
            } catch (NumberFormatException notANumber) {
                // left out, as the broker would fail to start with it
            }
        }
        return delays;
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
            long first = firstWaiting(deliveredPerLevel, queue.getKey() + 1, queue.getValue());
            waiting += first < 0 ? 0 : queue.getValue().getMaxOffset() - first;
        }
        return waiting;
    }
}
