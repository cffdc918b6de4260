package dev.ferry.config;

import dev.ferry.config.BackupConfig.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code backups}: each entry through {@link BackupSection}, then what involves several backups.
 * Names must be unique (they name consumer groups), and no topic may be copied twice along the same
 * direction: two backups would each deliver every message, and the target would hold it twice.
 */
final class BackupsSection {

    private BackupsSection() {
    }

    /** One topic copied from one cluster to another. */
    private record Copy(String topic, String from, String to) {
    }

    static List<BackupConfig> read(Node backups, Map<String, ClusterConfig> clusters) throws ConfigException {
        if (backups.isAbsent()) {
            throw backups.problem("missing (at least one backup is required)");
        }
        List<Node> entries = backups.elements("a list of backups");
        if (entries.isEmpty()) {
            throw backups.problem("no backups (at least one is required)");
        }
        Map<String, Node> names = new HashMap<>();
        Map<Copy, BackupConfig> copiers = new HashMap<>();
        List<BackupConfig> result = new ArrayList<>();
        for (Node entry : entries) {
            BackupConfig backup = BackupSection.read(entry, clusters);
            Node first = names.putIfAbsent(backup.name(), entry);
            if (first != null) {
                throw entry.get("name").problem("duplicate backup name " + Node.quote(backup.name())
                    + " (also " + first.path() + ")");
            }
            checkCopiedOnce(entry, backup, copiers);
            result.add(backup);
        }
        return List.copyOf(result);
    }

    private static void checkCopiedOnce(Node entry, BackupConfig backup, Map<Copy, BackupConfig> copiers)
        throws ConfigException {
        List<Node> topicNodes = entry.get("topics").elements("a list of topic names");
        for (int i = 0; i < backup.topics().size(); i++) {
            String topic = backup.topics().get(i);
            List<Copy> copies = new ArrayList<>(List.of(new Copy(topic, backup.source(), backup.target())));
            if (backup.mode() == Mode.TWO_WAY) {
                copies.add(new Copy(topic, backup.target(), backup.source()));
            }
            for (Copy copy : copies) {
                BackupConfig other = copiers.putIfAbsent(copy, backup);
                if (other != null) {
                    throw topicNodes.get(i).problem("backups " + Node.quote(other.name()) + " and "
                        + Node.quote(backup.name()) + " both copy topic " + Node.quote(topic) + " from " + copy.from()
                        + " to " + copy.to() + " (every message would arrive twice)");
                }
            }
        }
    }
}
