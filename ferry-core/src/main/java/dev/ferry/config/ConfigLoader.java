package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and checks a Ferry configuration file. Whatever is wrong comes out as a {@link ConfigException}
 * whose message is one line: {@code <file as given>: <key path>: <what is wrong>}. The first problem
 * found stops the reading: the operator fixes it and runs again.
 */
public final class ConfigLoader {

    private static final List<String> KEYS =
        List.of("clusters", "backups", "http", SigningKey.KEY, "copy", "checkpointInterval");

    private ConfigLoader() {
    }

    /** Reads {@code file}, taking {@code ${NAME}} from this process's environment, {@code ${file:PATH}} from PATH. */
    public static FerryConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Reads {@code file}, taking {@code ${NAME}} values from {@code environment}. */
    public static FerryConfig load(Path file, Map<String, String> environment) throws ConfigException {
        String name = file.toString();
        JsonNode tree = YamlTree.read(name, read(file));
        if (tree == null || tree.isNull()) {
            throw new ConfigException(name + ": the file is empty (expected clusters and backups)");
        }
        Node root = Node.root(name, tree, new EnvironmentSubstitution(environment));
        root.map("a map with clusters, backups and http at the top").allowOnly(KEYS);
        Map<String, ClusterConfig> clusters = ClustersSection.read(root.get("clusters"));
        List<BackupConfig> backups = BackupsSection.read(root.get("backups"));
        HttpConfig http = HttpSection.read(root.get("http"));
        Optional<SigningKey> signingKey = SigningKey.read(root.get(SigningKey.KEY));
        CopySettings copy = CopySection.read(root.get("copy"));
        Duration checkpointInterval =
            root.get("checkpointInterval").duration(FerryConfig.DEFAULT_CHECKPOINT_INTERVAL);
        try {
            return new FerryConfig(file, clusters, backups, http, signingKey, copy, checkpointInterval);
        } catch (InvalidConfigException refused) {
            // What involves several sections: a backup naming an unknown cluster, two backups copying one topic.
            throw root.problem(refused);
        }
    }

    private static String read(Path file) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory, not a configuration file");
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": cannot read it: permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": cannot read it: not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read it: " + e.getMessage());
        }
    }
}
