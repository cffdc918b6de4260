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
 * target queue {@link QueueMapping} chooses and keeps. A target topic that does not exist is created like the source
 * topic, queues and type ({@code message.type} FIFO, DELAY...), before its first message is sent. Heartbeats keep
 * their topic's name whatever the backup's mapping.
 *
 * <p>Where both clusters have the same broker groups (RocketMQ's default names in every region), the target topic
 * gets on each broker the read and write queues the source topic has on the broker of that name; else the source's
 * count spread evenly ({@code QueueLayout}). A target topic in step with its source (created here, or found with as
 * many queues) grows with it: when the source topic gains queues, so does the target, broker by broker alike. One
 * that exists out of step is the operator's, and is left as it is with a warning, in the log once and in the link's
 * status while it lasts:
 *
 * <pre>
 *   target topic            source grows 8 -&gt; 16    warning
 *   created here / 8 queues  grown to 16              -
 *   existing, 4 queues       left at 4                "... has 4 queues, the source's 16: ..."
 *   existing, another type   left as it is            "... is a FIFO topic on the source, but ... NORMAL ..."
 * </pre>
 *
 * A target with fewer queues still takes every copy: several source queues share a target queue, each in its
 * order. After a restart a target found with fewer queues than the source is taken as out of step: whether the
 * source grew meanwhile cannot be told.
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
    /** What an operator should align by hand, per source topic and kind ("type", "queues"). */
    private final Map<String, String> warnings = new ConcurrentHashMap<>();

    /** One source topic's mapping and when its routes were last asked for. */
    private static final class Topic {
        final QueueMapping mapping = new QueueMapping();
        long routesAskedAt;
        boolean stale = true;
        /** The target topic has as many queues as the source's, or was created here: it grows with it. */
        boolean inStep;
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
            boolean created = targetAdmin.ensureTopic(targetTopic, sources.size(), like,
                sourceAdmin.queueLayout(sourceTopic));
            if (!created && like != null) {
                warnIfTypesDiffer(sourceTopic, targetTopic, like);
            }
            topic.inStep = created || targetAdmin.queues(targetTopic).size() >= sources.size();
        }
        keepInStep(sourceTopic, targetTopic, sources.size(), topic);
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

    /**
     * Grows a target topic in step with a source topic that gained queues; names one out of step that has fewer.
     */
    private void keepInStep(String sourceTopic, String targetTopic, int sourceQueues, Topic topic) throws Exception {
        int targetQueues = targetAdmin.queues(targetTopic).size();
        if (targetQueues >= sourceQueues) {
            warnings.remove(sourceTopic + "/queues");
            return;
        }
        String why = "Ferry leaves a topic it did not create as it is";
        if (topic.inStep) {
            try {
                if (targetAdmin.growTopic(targetTopic, sourceQueues, sourceAdmin.queueLayout(sourceTopic))) {
                    LOG.info("{} -> {}: topic {} grew to {} queues on the source: target topic {} grown from {} to"
                        + " match", sourceAdmin.cluster().name(), targetAdmin.cluster().name(), sourceTopic,
                        sourceQueues, targetTopic, targetQueues);
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Copies go on into the queues there are: a topic not grown is named, never a reason to stop; and
                // not tried again every few seconds (a right missing stays missing until an operator grants it).
                topic.inStep = false;
                why = "Ferry could not grow it (" + SendFailure.describe(e) + ")";
            }
        }
        String warning = String.format("target topic %s has %d queues, the source's %s has %d: %s, and source queues"
            + " share target queues (each in its order); consumers on %s read with fewer queues (to align it: mqadmin"
            + " updateTopic -c <cluster> -t %s -r <n> -w <n>, n per broker)", targetTopic, targetQueues, sourceTopic,
            sourceQueues, why, targetAdmin.cluster().name(), targetTopic);
        if (warnings.put(sourceTopic + "/queues", warning) == null) {
            LOG.warn("{} -> {}: {}", sourceAdmin.cluster().name(), targetAdmin.cluster().name(), warning);
        }
    }

    /** What an operator should align on the target by hand, one line each; empty when nothing. */
    List<String> warnings() {
        return warnings.values().stream().sorted().toList();
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
                String warning = String.format("topic %s is a %s topic on the source, but %s is a %s topic on the"
                    + " target: Ferry leaves a topic that exists as it is; its consumers read the copies as %s messages"
                    + " (to align it: mqadmin updateTopic -t %s -a +message.type=%s)", sourceTopic,
                    messageType(source), targetTopic, messageType(target.get()), messageType(target.get()),
                    targetTopic, messageType(source));
                warnings.put(sourceTopic + "/type", warning);
                LOG.warn("{} -> {}: {}", sourceAdmin.cluster().name(), targetAdmin.cluster().name(), warning);
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
