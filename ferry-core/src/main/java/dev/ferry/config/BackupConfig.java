package dev.ferry.config;

import dev.ferry.names.FerryNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One backup: topics copied from a source cluster to a target cluster (and back, in two-way mode).
 *
 * @param name       unique; names the consumer groups and metrics of this backup
 * @param mode       one-way or two-way
 * @param source     the source cluster's name (in two-way mode: one of the two peers)
 * @param target     the target cluster's name (in two-way mode: the other peer)
 * @param topics     the topics to copy, at least one
 * @param targetTopic how each topic is named on the target
 * @param filter     SQL-92 expression on the source's messages (only matches are copied), or null for all
 * @param startFrom  where copying starts when the backup has no progress yet
 * @param syncGroups consumer groups whose progress follows to the target; empty means every group
 * @param onError    what to do with a message the target refuses for good
 * @param delivery   exactly once (the default: what the target holds already is not copied again) or at least once
 * @throws InvalidConfigException naming the key that is wrong. Whether the clusters exist is for the
 *                                {@link FerryConfig} holding it to say.
 */
public record BackupConfig(String name, Mode mode, String source, String target, List<String> topics,
                           TopicMapping targetTopic, String filter, StartFrom startFrom, List<String> syncGroups, OnError onError,
                           Delivery delivery) {

    /**
     * Backup names end up in consumer group names and metric labels. Their length is bounded by the group names
     * (checked below), not here: Ferry derives longer names from the file's (failback's {@code <name>-failback}),
     * and the file's own are at most 64 characters ({@link BackupSection}).
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    public BackupConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetTopic, "targetTopic");
        Objects.requireNonNull(startFrom, "startFrom");
        Objects.requireNonNull(onError, "onError");
        Objects.requireNonNull(delivery, "delivery");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigException("name", "invalid backup name " + Node.quote(name)
                + " (only A-Z a-z 0-9 _ -)");
        }
        if (source.equals(target)) {
            throw new InvalidConfigException("target", "same cluster as source (" + Node.quote(source) + ")");
        }
        List<Direction> directions = directions(mode, source, target);
        for (Direction direction : directions) {
            checkGroup(name, direction.target());
        }
        topics = distinctNames(topics, "topics", "topic", RocketMqRules::topicProblem);
        if (topics.isEmpty()) {
            throw new InvalidConfigException("topics", "no topics (at least one is required)");
        }
        checkTargetTopics(targetTopic, directions, topics);
        if (filter != null) {
            Optional<String> problem = RocketMqRules.filterProblem(filter);
            if (problem.isPresent()) {
                throw new InvalidConfigException("filter", problem.get());
            }
        }
        syncGroups = distinctNames(syncGroups, "syncGroups", "group", RocketMqRules::groupProblem);
    }

    /** A backup with exactly-once delivery, the default. */
    public BackupConfig(String name, Mode mode, String source, String target, List<String> topics,
                        TopicMapping targetTopic, String filter, StartFrom startFrom, List<String> syncGroups,
                        OnError onError) {
        this(name, mode, source, target, topics, targetTopic, filter, startFrom, syncGroups, onError,
            Delivery.EXACTLY_ONCE);
    }

    /** This backup with {@code delivery}. */
    public BackupConfig withDelivery(Delivery delivery) {
        return new BackupConfig(name, mode, source, target, topics, targetTopic, filter, startFrom, syncGroups,
            onError, delivery);
    }

    /** One way messages go: from the source cluster of a backup's direction to its target. */
    public record Direction(String source, String target) {

        @Override
        public String toString() {
            return source + " -> " + target;
        }
    }

    /**
     * The directions messages are copied in: source to target, and in two-way mode also target to source. The
     * one place a backup's mode becomes directions: a link, a checkpointer, a rights probe each run per direction.
     */
    public List<Direction> directions() {
        return directions(mode, source, target);
    }

    private static List<Direction> directions(Mode mode, String source, String target) {
        Direction forth = new Direction(source, target);
        return mode == Mode.TWO_WAY ? List.of(forth, new Direction(target, source)) : List.of(forth);
    }

    /** The link's consumer group into {@code target} must be a name RocketMQ accepts, or it fails at run time. */
    private static void checkGroup(String name, String target) {
        Optional<String> problem = RocketMqRules.groupProblem(FerryNames.linkGroup(name, target));
        if (problem.isPresent()) {
            String why = problem.get().substring("invalid consumer group name ".length());
            throw new InvalidConfigException("name", "backup " + Node.quote(name) + " into cluster "
                + Node.quote(target) + " would copy with the consumer group " + why
                + "; shorten the backup or cluster name, or drop the characters RocketMQ refuses");
        }
    }

    /** Every topic, in every direction of the backup, must map to a name RocketMQ accepts. */
    private static void checkTargetTopics(TopicMapping mapping, List<Direction> directions, List<String> topics) {
        for (Direction direction : directions) {
            for (String topic : topics) {
                Optional<String> problem =
                    RocketMqRules.topicProblem(mapping.apply(topic, direction.source(), direction.target()));
                if (problem.isPresent()) {
                    throw new InvalidConfigException("targetTopic", "maps " + Node.quote(topic) + " from "
                        + Node.quote(direction.source()) + " to " + problem.get());
                }
            }
        }
    }

    /** {@code names}, each one RocketMQ accepts and none twice, as an unmodifiable list. */
    private static List<String> distinctNames(List<String> names, String key, String kind,
                                              Function<String, Optional<String>> rule) {
        Objects.requireNonNull(names, key);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = Objects.requireNonNull(names.get(i), key);
            String at = key + "[" + i + "]";
            Optional<String> problem = rule.apply(name);
            if (problem.isPresent()) {
                throw new InvalidConfigException(at, problem.get());
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                throw new InvalidConfigException(at, "duplicate " + kind + " " + Node.quote(name),
                    Optional.of(key + "[" + first + "]"));
            }
        }
        return List.copyOf(names);
    }

    public enum Mode {
        ONE_WAY("one-way"), TWO_WAY("two-way");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public enum OnError {
        /** The refused message goes to the backup's dead-letter topic on the source; copying goes on. */
        DEAD_LETTER("dead-letter"),
        /** Copying of that queue stops, with a clear status, until an operator steps in. */
        BLOCK("block");

        private final String text;

        OnError(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public enum Delivery {
        /**
         * A message the target holds already is not copied again: after a crash, a timeout or a queue moving to
         * another process, the link reads what the target holds of the queue first (docs/exactly-once.md).
         */
        EXACTLY_ONCE("exactly-once"),
        /** What was in flight at a crash or a timeout is copied again: duplicates possible, never a loss. */
        AT_LEAST_ONCE("at-least-once");

        private final String text;

        Delivery(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
