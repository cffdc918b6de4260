package dev.ferry.config;

import dev.ferry.names.FerryNames;
import java.util.Optional;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.filter.FilterFactory;
import org.apache.rocketmq.filter.expression.MQFilterException;

/**
 * What RocketMQ itself accepts, asked of RocketMQ's own code: a value it would refuse at run time is
 * better refused when the file is read. Each check answers with what is wrong, or empty when all is well.
 */
final class RocketMqRules {

    // TopicValidator keeps these two private; its validateTopic/validateGroup are not called because they
    // load RocketMQ's UtilAll, whose logging set-up prints a screen of logback status lines to stdout.
    private static final int TOPIC_MAX_LENGTH = 127;
    private static final int GROUP_MAX_LENGTH = 120;

    private RocketMqRules() {
    }

    static Optional<String> topicProblem(String topic) {
        // Retry and dead-letter topics belong to one cluster's consumer groups, and system topics to its
        // brokers; a copy of them on another cluster would only confuse that cluster.
        if (topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) {
            return Optional.of(Node.quote(topic) + " is a retry or dead-letter topic; those are never copied");
        }
        if (FerryNames.isFerryTopic(topic)) {
            return Optional.of(Node.quote(topic) + " is one of Ferry's own topics (checkpoints, offset syncs, dead"
                + " letters); those are never copied");
        }
        if (TopicValidator.isSystemTopic(topic)) {
            return Optional.of(Node.quote(topic) + " is a RocketMQ system topic; those are never copied");
        }
        if (TopicValidator.isTopicOrGroupIllegal(topic) || topic.length() > TOPIC_MAX_LENGTH) {
            return Optional.of("invalid topic name " + Node.quote(topic)
                + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most " + TOPIC_MAX_LENGTH + " characters)");
        }
        return Optional.empty();
    }

    static Optional<String> groupProblem(String group) {
        if (TopicValidator.isTopicOrGroupIllegal(group) || group.length() > GROUP_MAX_LENGTH) {
            return Optional.of("invalid consumer group name " + Node.quote(group)
                + " (RocketMQ allows only ^[%|a-zA-Z0-9_-]+$, at most " + GROUP_MAX_LENGTH + " characters)");
        }
        return Optional.empty();
    }

    /** Compiles the filter with the broker's own SQL-92 compiler. */
    static Optional<String> filterProblem(String sql92) {
        try {
            FilterFactory.INSTANCE.get(ExpressionType.SQL92).compile(sql92);
            return Optional.empty();
        } catch (MQFilterException e) {
            // The parser's first line says where and what ("Encountered "=" at line 1, column 4.");
            // the rest lists every token it would have taken.
            String reason = e.getCause() == null || e.getCause().getMessage() == null ? e.getErrorMessage()
                : e.getCause().getMessage().lines().findFirst().orElse(e.getErrorMessage());
            return Optional.of("invalid SQL-92 filter: " + reason.strip());
        }
    }

    /** A property name RocketMQ keeps for itself: a message carrying it as a user property is refused. */
    static boolean isSystemProperty(String name) {
        return MessageConst.STRING_HASH_SET.contains(name);
    }
}
