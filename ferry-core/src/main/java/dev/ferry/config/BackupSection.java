package dev.ferry.config;

import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.Delivery;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.names.FerryNames;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one entry of {@code backups}: each value as written, then {@link BackupConfig} says whether they make a
 * backup. What involves several backups, or the clusters, is {@link FerryConfig}'s.
 */
final class BackupSection {

    /**
     * What the file may name a backup: shorter than {@link BackupConfig} takes, which holds names Ferry derives
     * from these (failback's copy back is {@code <name>-failback}).
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> KEYS =
        List.of("name", "mode", "source", "target", "topics", "targetTopic", "filter", "startFrom", "syncGroups", "onError",
            "delivery");

    private BackupSection() {
    }

    static BackupConfig read(Node backup) throws ConfigException {
        backup.map("a map with name, source, target and topics").allowOnly(KEYS);
        Node nameNode = backup.get("name");
        String name = nameNode.text();
        if (!NAME.matcher(name).matches()) {
            throw nameNode.problem("invalid backup name " + Node.quote(name) + " (1 to 64 of A-Z a-z 0-9 _ -)");
        }
        Mode mode = backup.get("mode").choice(Mode.ONE_WAY, List.of(Mode.values()), Mode::text);
        String source = backup.get("source").text();
        String target = backup.get("target").text();
        List<String> topics = topics(backup.get("topics"));
        TopicMapping targetTopic = targetTopic(backup.get("targetTopic"));
        String filter = backup.get("filter").optionalText().orElse(null);
        StartFrom startFrom = startFrom(backup.get("startFrom"));
        List<String> syncGroups = syncGroups(backup.get("syncGroups"));
        OnError onError = backup.get("onError").choice(OnError.DEAD_LETTER, List.of(OnError.values()), OnError::text);
        Delivery delivery =
            backup.get("delivery").choice(Delivery.EXACTLY_ONCE, List.of(Delivery.values()), Delivery::text);
        try {
            return new BackupConfig(name, mode, source, target, topics, targetTopic, filter, startFrom, syncGroups,
                onError, delivery);
        } catch (InvalidConfigException refused) {
            throw backup.problem(refused);
        }
    }

    private static List<String> topics(Node topics) throws ConfigException {
        if (topics.isAbsent()) {
            throw topics.problem("missing (at least one topic is required)");
        }
        return texts(topics.elements("a list of topic names, e.g. [orders, payments]"));
    }

    private static TopicMapping targetTopic(Node where) throws ConfigException {
        if (where.isAbsent()) {
            return TopicMapping.SAME;
        }
        String template = where.template(Set.of(TopicMapping.TOPIC, TopicMapping.SOURCE, TopicMapping.TARGET));
        if (!template.contains(TopicMapping.TOPIC)) {
            throw where.problem(Node.quote(template) + " does not contain " + TopicMapping.TOPIC
                + " (every topic would be copied into the same one), e.g. ${source}_${topic}");
        }
        return new TopicMapping(template);
    }

    private static List<String> syncGroups(Node groups) throws ConfigException {
        if (groups.isAbsent()) {
            return List.of();
        }
        return texts(groups.elements("a list of consumer group names, e.g. [billing]"));
    }

    private static List<String> texts(List<Node> elements) throws ConfigException {
        List<String> texts = new ArrayList<>();
        for (Node element : elements) {
            texts.add(element.text());
        }
        return texts;
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
