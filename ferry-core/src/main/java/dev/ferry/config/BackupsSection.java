package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code backups}: each entry through {@link BackupSection}. What involves several backups (unique names,
 * no topic copied twice along one direction) or the clusters is {@link FerryConfig}'s to check.
 */
final class BackupsSection {

    private BackupsSection() {
    }

    static List<BackupConfig> read(Node backups) throws ConfigException {
        if (backups.isAbsent()) {
            throw backups.problem("missing (at least one backup is required)");
        }
        List<Node> entries = backups.elements("a list of backups");
        if (entries.isEmpty()) {
            throw backups.problem("no backups (at least one is required)");
        }
        List<BackupConfig> result = new ArrayList<>();
        for (Node entry : entries) {
            result.add(BackupSection.read(entry));
        }
        return result;
    }
}
