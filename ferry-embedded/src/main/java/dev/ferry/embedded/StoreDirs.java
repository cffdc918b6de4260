package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/** Where embedded clusters keep their files when the caller does not say. */
final class StoreDirs {

    /** Cluster names end up in folder names, broker names and client instance names. */
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private StoreDirs() {
    }

    static String checkClusterName(String clusterName) {
        if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("invalid cluster name '" + clusterName
                + "': use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        return clusterName;
    }

    /**
     * {@code target/ferry-embedded} when the working directory has a {@code target} folder (a Maven
     * build), else {@code ferry-embedded} in java.io.tmpdir.
     */
    static Path defaultParent() {
        Path target = Paths.get("target");
        Path base = Files.isDirectory(target) ? target : Paths.get(System.getProperty("java.io.tmpdir"));
        return base.toAbsolutePath().resolve("ferry-embedded");
    }

    /** A new, empty folder for one cluster under {@link #defaultParent()}. */
    static Path createFresh(String clusterName) {
        try {
            Path parent = Files.createDirectories(defaultParent());
            return Files.createTempDirectory(parent, clusterName + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a store folder for cluster '" + clusterName + "' under "
                + defaultParent(), e);
        }
    }

    /** Deletes a folder tree; what cannot be deleted is left behind and reported in the exception. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
