package dev.ferry.config;

import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.names.FerryNames;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads one entry of {@code backups}. What involves several backups is {@link BackupsSection}'s. */
final class BackupSection {

    /** Backup names end up in consumer group names and metric labels. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> KEYS =
        List.of("name", "mode", "source", "target", "topics", "targetTopic", "filter", "startFrom", "syncGroups", "onError");

    private BackupSection() {
    }

    static BackupConfig read(Node backup, Map<String, ClusterConfig> clusters) throws ConfigException {
        backup.map("a map with name, source, target and topics").allowOnly(KEYS);
        Node nameNode = backup.get("name");
        String name = nameNode.text();
        if (!NAME.matcher(name).matches()) {
            throw nameNode.problem("invalid backup name " + Node.quote(name) + " (1 to 64 of A-Z a-z 0-9 _ -)");
        }
        Mode mode = backup.get("mode").choice(Mode.ONE_WAY, List.of(Mode.values()), Mode::text);
        String source = cluster(backup.get("source"), clusters);
        String target = cluster(backup.get("target"), clusters);
        if (source.equals(target)) {
            throw backup.get("target").problem("same cluster as source (" + Node.quote(source) + ")");
        }
        groupName(nameNode, name, target);
        if (mode == Mode.TWO_WAY) {
            groupName(nameNode, name, source);
        }
        List<String> topics = topics(backup.get("topics"));
        TopicMapping targetTopic = targetTopic(backup.get("targetTopic"), mode, source, target, topics);
        return new BackupConfig(name, mode, source, target, topics, targetTopic, filter(backup.get("filter")), startFrom(backup.get("startFrom")), syncGroups(backup.get("syncGroups")),
            backup.get("onError").choice(OnError.DEAD_LETTER, List.of(OnError.values()), OnError::text));
    }

    private static String cluster(Node where, Map<String, ClusterConfig> clusters) throws ConfigException {
        String name = where.text();
        if (!clusters.containsKey(name)) {
            throw where.problem("unknown cluster " + Node.quote(name)
                + " (known: " + String.join(", ", clusters.keySet()) + ")");
        }
        return name;
    }

    private static List<String> topics(Node topics) throws ConfigException {
        if (topics.isAbsent()) {
            throw topics.problem("missing (at least one topic is required)");
        }
        List<String> names = distinctNames(topics.elements("a list of topic names, e.g. [orders, payments]"), "topic",
            RocketMqRules::topicProblem);
        if (names.isEmpty()) {
            throw topics.problem("no topics (at least one is required)");
        }
        return names;
    }

    /** The link's consumer group into {@code target} must be a name RocketMQ accepts, or it fails at run time. */
    private static void groupName(Node nameNode, String name, String target) throws ConfigException {
        String group = FerryNames.linkGroup(name, target);
        Optional<String> problem = RocketMqRules.groupProblem(group);
        if (problem.isPresent()) {
            String why = problem.get().substring("invalid consumer group name ".length());
            throw nameNode.problem("backup " + Node.quote(name) + " into cluster " + Node.quote(target)
                + " would copy with the consumer group " + why
                + "; shorten the backup or cluster name, or drop the characters RocketMQ refuses");
        }
    }

    /** Every topic, in every direction of the backup, must map to a name RocketMQ accepts. */
    private static TopicMapping targetTopic(Node where, Mode mode, String source, String target, List<String> topics)
        throws ConfigException {
        if (where.isAbsent()) {
            return TopicMapping.SAME;
        }
        String template = where.template(Set.of(TopicMapping.TOPIC, TopicMapping.SOURCE, TopicMapping.TARGET));
        if (!template.contains(TopicMapping.TOPIC)) {
            throw where.problem(Node.quote(template) + " does not contain " + TopicMapping.TOPIC
                + " (every topic would be copied into the same one), e.g. ${source}_${topic}");
        }
        TopicMapping mapping = new TopicMapping(template);
        List<String[]> directions = mode == Mode.TWO_WAY
            ? List.of(new String[] {source, target}, new String[] {target, source})
            : List.<String[]>of(new String[] {source, target});
        for (String[] direction : directions) {
            for (String topic : topics) {
                String mapped = mapping.apply(topic, direction[0], direction[1]);
                Optional<String> problem = RocketMqRules.topicProblem(mapped);
                if (problem.isPresent()) {
                    throw where.problem("maps " + Node.quote(topic) + " from " + Node.quote(direction[0]) + " to "
                        + problem.get());
                }
            }
        }
        return mapping;
    }

    private static List<String> syncGroups(Node groups) throws ConfigException {
        if (groups.isAbsent()) {
            return List.of();
        }
        return distinctNames(groups.elements("a list of consumer group names, e.g. [billing]"), "group",
            RocketMqRules::groupProblem);
    }

    private static List<String> distinctNames(List<Node> elements, String kind,
                                              Function<String, Optional<String>> rule) throws ConfigException {
        Map<String, Node> seen = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (Node element : elements) {
            String name = element.text();
            Optional<String> problem = rule.apply(name);
            if (problem.isPresent()) {
                throw element.problem(problem.get());
            }
            Node first = seen.putIfAbsent(name, element);
            if (first != null) {
                throw element.problem("duplicate " + kind + " " + Node.quote(name) + " (also " + first.path() + ")");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private static String filter(Node filter) throws ConfigException {
        Optional<String> sql92 = filter.optionalText();
        Optional<String> problem = sql92.flatMap(RocketMqRules::filterProblem);
        if (problem.isPresent()) {
            throw filter.problem(problem.get());
        }
        return sql92.orElse(null);
    }

    private static StartFrom startFrom(Node startFrom) throws ConfigException {
        if (startFrom.isAbsent()) {
            return StartFrom.EARLIEST;
        }
        String text = startFrom.text();
        if (text.equals("earliest")) {
            return StartFrom.EARLIEST;
        }
        if (text.equals("latest")) {
            return StartFrom.LATEST;
        }
        try {
            // An offset date-time covers both 2026-11-25T10:00:00Z and 2026-11-25T10:00:00+08:00.
            return StartFrom.at(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw startFrom.problem(Node.quote(text) + " is not earliest, latest or an ISO-8601 instant"
                + " (e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+08:00)");
        }
    }
}
