package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.TopicMapping;
import dev.ferry.names.FerryNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each source queue's messages go on the target: the target topic's name, and per source queue the one
 * target queue {@link QueueMapping} chooses and keeps. A target topic that does not exist is created with the
 * source's queue count and the source topic's type and attributes ({@code message.type} FIFO, DELAY...), before
 * its first message is sent; one that exists is left as it is, with a warning when its type is not the source's.
 * Heartbeats keep their topic's name whatever the backup's mapping.
 *
 * <p>Routes are asked of the NameServers when a queue is met that is not known yet, after a send failed, and
 * otherwise at most every {@value #ROUTE_MAX_AGE_MILLIS} ms, so that a grown topic or a broker made read-only is
 * seen within that time. A queue's target found in the offset syncs (a restart, a queue moving between processes)
 * is kept, so copies go on where they went.
 */
final class TargetTopics {

    private static final Logger LOG = LoggerFactory.getLogger(TargetTopics.class);
    /**
     * How old the routes may get. A broker made read-only still stores what is sent to its queues by name (it
     * refuses writes only to order topics): only its route says "no more writes", so Ferry, which names the
     * queue of every send, must read it soon. A few NameServer calls per topic every 5 s.
     */
    static final long ROUTE_MAX_AGE_MILLIS = 5_000;

    private final ClusterAdmin sourceAdmin;
    private final ClusterAdmin targetAdmin;
    private final TopicMapping mapping;
    private final Function<MessageQueue, Optional<MessageQueue>> syncedTarget;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    /** One source topic's mapping and when its routes were last asked for. */
    private static final class Topic {
        final QueueMapping mapping = new QueueMapping();
        long routesAskedAt;
        boolean stale = true;
    }

    /**
     * @param syncedTarget where the offset syncs say a source queue's copies went so far (empty when unknown)
     */
    TargetTopics(ClusterAdmin sourceAdmin, ClusterAdmin targetAdmin, TopicMapping mapping,
                 Function<MessageQueue, Optional<MessageQueue>> syncedTarget) {
        this.sourceAdmin = sourceAdmin;
        this.targetAdmin = targetAdmin;
        this.mapping = mapping;
        this.syncedTarget = syncedTarget;
    }

    /** The target topic of a source topic: its own name, or what the backup's {@code targetTopic} maps it to. */
    String targetTopic(String sourceTopic) {
        if (FerryNames.HEARTBEAT_TOPIC.equals(sourceTopic)) {
            return sourceTopic; // wherever the backup maps its topics, heartbeats are found under one name
        }
        return mapping.apply(sourceTopic, sourceAdmin.cluster().name(), targetAdmin.cluster().name());
    }

    /** The target queue for a source queue; creates the target topic when it is missing. */
    MessageQueue targetFor(MessageQueue source) throws Exception {
        Topic topic = topics.computeIfAbsent(source.getTopic(), name -> new Topic());
        synchronized (topic) {
            long now = System.currentTimeMillis();
            boolean old = now - topic.routesAskedAt >= ROUTE_MAX_AGE_MILLIS;
            if (topic.stale || old || !topic.mapping.knowsSource(source)) {
                learnRoutes(source.getTopic(), topic);
                topic.routesAskedAt = now;
                topic.stale = false;
            }
            if (!topic.mapping.knowsSource(source)) {
                throw new IllegalStateException("source queue " + source + " is not in the topic's route");
            }
            QueueMapping.Choice choice = topic.mapping.targetFor(source);
            choice.change().ifPresent(change -> LOG.warn("{} -> {}: {}", sourceAdmin.cluster().name(),
                targetAdmin.cluster().name(), change));
            return choice.target();
        }
    }

    /** Asks both NameServers for the topic's routes; the target topic is created first when it is missing. */
    private void learnRoutes(String sourceTopic, Topic topic) throws Exception {
        List<MessageQueue> sources = sourceAdmin.queues(sourceTopic);
        String targetTopic = targetTopic(sourceTopic);
        boolean first = !topic.mapping.knowsTargets();
        if (first) {
            TopicConfig like = sourceConfig(sourceTopic);
            if (!targetAdmin.ensureTopic(targetTopic, sources.size(), like) && like != null) {
                warnIfTypesDiffer(sourceTopic, targetTopic, like);
            }
        }
        List<MessageQueue> newSources = topic.mapping.learnSources(sources);
        // A queue met for the first time (at start, or when its broker is back) goes on where its copies went.
        for (MessageQueue source : newSources) {
            syncedTarget.apply(source).filter(target -> target.getTopic().equals(targetTopic))
                .ifPresent(target -> topic.mapping.pin(source, target));
        }
        List<MessageQueue> newTargets = topic.mapping.learnTargets(targetAdmin.queues(targetTopic),
            targetAdmin.writableQueues(targetTopic));
        if (!topic.mapping.knowsTargets()) {
            throw new IllegalStateException("target topic '" + targetTopic + "' has no queues");
        }
        if (first) {
            LOG.info("{} -> {}: topic {}: source queues [{}] copy to target queues [{}] ({} take writes)",
                sourceAdmin.cluster().name(), targetAdmin.cluster().name(), sourceTopic, brief(newSources),
                brief(newTargets), targetAdmin.writableQueues(targetTopic).size());
        } else if (!newSources.isEmpty() || !newTargets.isEmpty()) {
            LOG.info("{} -> {}: topic {}: queues routed for the first time (a topic grown, a broker added or back):"
                + " source [{}], target [{}]; queues already copying keep their target queue",
                sourceAdmin.cluster().name(), targetAdmin.cluster().name(), sourceTopic, brief(newSources),
                brief(newTargets));
        }
    }

    /** The source topic's config, to create the target topic like it; null (a plain topic) when it cannot be read. */
    private TopicConfig sourceConfig(String sourceTopic) {
        try {
            return sourceAdmin.topicConfig(sourceTopic).orElse(null);
        } catch (Exception e) {
            LOG.warn("{} -> {}: topic {}: its config cannot be read on the source ({}): a target topic Ferry creates"
                + " for it is a plain one", sourceAdmin.cluster().name(), targetAdmin.cluster().name(), sourceTopic,
                SendFailure.describe(e));
            return null;
        }
    }

    /** An existing target topic of another type takes copies all the same, but its consumers may not read them. */
    private void warnIfTypesDiffer(String sourceTopic, String targetTopic, TopicConfig source) {
        try {
            Optional<TopicConfig> target = targetAdmin.topicConfig(targetTopic);
            if (target.isPresent() && !messageType(target.get()).equals(messageType(source))) {
                LOG.warn("{} -> {}: topic {} is a {} topic on the source, but {} is a {} topic on the target: Ferry"
                    + " leaves a topic that exists as it is; its consumers read the copies as {} messages (to align"
                    + " it: mqadmin updateTopic -t {} -a +message.type={})", sourceAdmin.cluster().name(),
                    targetAdmin.cluster().name(), sourceTopic, messageType(source), targetTopic,
                    messageType(target.get()), messageType(target.get()), targetTopic, messageType(source));
            }
        } catch (Exception e) {
            LOG.debug("target topic {}: type not compared: {}", targetTopic, e.toString());
        }
    }

    /** {@code message.type} as RocketMQ reads it (a topic without one is NORMAL), UNSPECIFIED counted as NORMAL. */
    static String messageType(TopicConfig config) {
        TopicMessageType type = config.getTopicMessageType();
        return (type == TopicMessageType.UNSPECIFIED ? TopicMessageType.NORMAL : type).name();
    }

    /** {@code broker-a/0, broker-a/1}: queues as an operator reads them in a log line. */
    private static String brief(List<MessageQueue> queues) {
        return queues.stream().map(QueueMapping::brief).collect(Collectors.joining(", "));
    }

    /** Asks for the topic's routes again before the next copy, after a send to it failed. */
    void refresh(String sourceTopic) {
        Topic topic = topics.get(sourceTopic);
        if (topic != null) {
            topic.stale = true;
        }
    }
}
