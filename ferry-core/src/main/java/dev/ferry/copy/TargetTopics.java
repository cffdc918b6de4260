package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.TopicMapping;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where each source queue's messages go on the target.
 *
 * <pre>
 *   source topic (8 queues)           target topic (4 queues)
 *   q0 q1 q2 q3 q4 q5 q6 q7    --->   q0 q1 q2 q3
 *   i = position of the source queue; target = queues[i mod n]
 * </pre>
 *
 * <p>Queues are ordered by broker name, then queue id, on both sides; with one broker the position is the queue
 * id. Every source queue has exactly one target queue, so the order of a source queue is kept. A target topic
 * that does not exist is created with the source's queue count, before its first message is sent. Heartbeats
 * keep their topic's name whatever the backup's mapping.
 */
final class TargetTopics {

    private final ClusterAdmin sourceAdmin;
    private final ClusterAdmin targetAdmin;
    private final TopicMapping mapping;
    private final Map<String, List<MessageQueue>> sourceQueues = new ConcurrentHashMap<>();
    private final Map<String, List<MessageQueue>> targetQueues = new ConcurrentHashMap<>();

    TargetTopics(ClusterAdmin sourceAdmin, ClusterAdmin targetAdmin, TopicMapping mapping) {
        this.sourceAdmin = sourceAdmin;
        this.targetAdmin = targetAdmin;
        this.mapping = mapping;
    }

    /** The target topic of a source topic: its own name, or what the backup's {@code targetTopic} maps it to. */
    String targetTopic(String sourceTopic) {
        if (Heartbeats.TOPIC.equals(sourceTopic)) {
            return sourceTopic; // wherever the backup maps its topics, heartbeats are found under one name
        }
        return mapping.apply(sourceTopic, sourceAdmin.cluster().name(), targetAdmin.cluster().name());
    }

    /** The target queue for a source queue; creates the target topic when it is missing. */
    MessageQueue targetFor(MessageQueue source) throws Exception {
        List<MessageQueue> sources = sourceQueues.get(source.getTopic());
        int position = sources == null ? -1 : sources.indexOf(source);
        if (position < 0) {
            sources = sourceAdmin.queues(source.getTopic());
            sourceQueues.put(source.getTopic(), sources);
            position = sources.indexOf(source);
            if (position < 0) {
                throw new IllegalStateException("source queue " + source + " is not in the topic's route");
            }
        }
        String topic = targetTopic(source.getTopic());
        List<MessageQueue> targets = targetQueues.get(topic);
        if (targets == null) {
            targets = learnTarget(topic, sources.size());
        }
        return targets.get(position % targets.size());
    }

    /** One copier thread at a time: the queues of a new topic all ask at once, and one creation is enough. */
    private synchronized List<MessageQueue> learnTarget(String topic, int sourceQueueCount) throws Exception {
        List<MessageQueue> targets = targetQueues.get(topic);
        if (targets != null) {
            return targets;
        }
        targetAdmin.ensureTopic(topic, sourceQueueCount);
        targets = targetAdmin.queues(topic);
        if (targets.isEmpty()) {
            throw new IllegalStateException("target topic '" + topic + "' has no queues");
        }
        targetQueues.put(topic, targets);
        return targets;
    }

    /** Forgets what was learned about the topic's routes, after a send to it failed. */
    void refresh(String sourceTopic) {
        sourceQueues.remove(sourceTopic);
        targetQueues.remove(targetTopic(sourceTopic));
    }
}
