package dev.ferry.offsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Checkpoints live in the target cluster, in the topic {@value FerryNames#CHECKPOINTS_TOPIC} (one queue), one message per
 * checkpoint, keyed by group: the target is what survives when the source region is lost, and a topic is
 * RocketMQ's own durable, replicated, size-bounded (by retention) store. A checkpoint is written only when a
 * group's progress moved, or once a minute to show it is fresh, so the newest checkpoint of every group is
 * found in the topic's last few thousand messages.
 */
public final class CheckpointTopic implements AutoCloseable {

    /** How many of the newest messages {@link #latest} reads: a minute's checkpoints of many groups. */
    static final int TAIL = 20_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DefaultMQProducer producer;

    CheckpointTopic(ClusterAdmin target) throws Exception {
        target.ensureTopic(FerryNames.CHECKPOINTS_TOPIC, 1);
        ClusterConfig cluster = target.cluster();
        producer = ClusterClients.producer(FerryNames.CHECKPOINTS_GROUP, cluster);
        ClusterClients.configure(producer, cluster, "checkpoints");
        ClusterClients.start(producer, cluster, producer::start);
    }

    /**
     * A checkpoint as it is stored: tagged with the source cluster, keyed by the group, the body the checkpoint as
     * JSON (its record's fields by name). {@code ferry failover} of every later version reads what the ones before
     * it wrote: a change here needs a migration step in the README.
     */
    static Message message(Checkpoint checkpoint) throws IOException {
        return new Message(FerryNames.CHECKPOINTS_TOPIC, checkpoint.source(), checkpoint.group(),
            JSON.writeValueAsBytes(checkpoint));
    }

    /** The checkpoint a message of the topic holds. */
    static Checkpoint read(byte[] body) throws IOException {
        return JSON.readValue(new String(body, StandardCharsets.UTF_8), Checkpoint.class);
    }

    void write(Checkpoint checkpoint) throws Exception {
        Message message = message(checkpoint);
        try {
            producer.send(message);
        } catch (MQBrokerException refused) {
            // A producer that asked for the topic's route before it was routed took the default route's queue
            // count (4), and the broker refuses a queue the one-queue topic lacks until the route is polled again
            // (30 s): asked again now, the send goes to a queue that exists.
            producer.getDefaultMQProducerImpl().getMqClientFactory()
                .updateTopicRouteInfoFromNameServer(FerryNames.CHECKPOINTS_TOPIC);
            producer.send(message);
        }
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(producer, producer::shutdown);
    }

    /**
     * The newest checkpoint per (source, group, source topic, source queue) among the last {@link #TAIL}
     * messages of the topic on {@code target}, merged per (source, group, source topic) and kept where
     * {@code wanted} holds.
     */
    public static List<Checkpoint> latest(ClusterConfig target, Predicate<Checkpoint> wanted) throws Exception {
        Map<String, Checkpoint> newestPerQueue = new LinkedHashMap<>();
        for (MessageExt message : TopicTail.read(target, FerryNames.CHECKPOINTS_TOPIC, TAIL)) {
            Checkpoint checkpoint = read(message.getBody());
            if (!wanted.test(checkpoint)) {
                continue;
            }
            for (Checkpoint.QueueCheckpoint queue : checkpoint.queues()) {
                String key = checkpoint.source() + "|" + checkpoint.group() + "|" + checkpoint.sourceTopic() + "|"
                    + queue.sourceBroker() + "|" + queue.sourceQueue();
                Checkpoint known = newestPerQueue.get(key);
                if (known == null || known.time() <= checkpoint.time()) {
                    newestPerQueue.put(key, new Checkpoint(checkpoint.backup(), checkpoint.source(),
                        checkpoint.target(), checkpoint.group(), checkpoint.sourceTopic(), checkpoint.targetTopic(),
                        checkpoint.time(), List.of(queue), checkpoint.sharedTarget()));
                }
            }
        }
        // Merge the per-queue entries back into one checkpoint per (source, group, topic); its time is the oldest.
        Map<String, Checkpoint> merged = new LinkedHashMap<>();
        for (Checkpoint one : newestPerQueue.values()) {
            String key = one.source() + "|" + one.group() + "|" + one.sourceTopic();
            Checkpoint known = merged.get(key);
            if (known == null) {
                merged.put(key, one);
            } else {
                List<Checkpoint.QueueCheckpoint> queues = new ArrayList<>(known.queues());
                queues.addAll(one.queues());
                merged.put(key, new Checkpoint(known.backup(), known.source(), known.target(), known.group(),
                    known.sourceTopic(), known.targetTopic(), Math.min(known.time(), one.time()), queues,
                    known.sharedTarget() || one.sharedTarget()));
            }
        }
        return List.copyOf(merged.values());
    }

}
