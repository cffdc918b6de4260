package dev.ferry.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The class path of a {@link Rocketmq4Cluster}'s child JVM: RocketMQ 4.9.x's jars and ferry-rocketmq4's own
 * classes, which run the servers.
 *
 * <p>ferry-rocketmq4 (a module of its own, outside ferry-parent's dependency management) writes its 4.9.x runtime
 * class path into its jar as {@value #RESOURCE} at build time. A module whose tests start a 4.9.x cluster puts that
 * jar on its test class path, without any of its dependencies (ferry-parent manages it with an exclusion of
 * {@code *:*}): this JVM sees the file and the launcher's classes, never a 4.9.x class.
 */
final class Rocketmq4ClassPath {

    static final String RESOURCE = "dev/ferry/rocketmq4/rocketmq4.classpath";
    static final String MAIN_CLASS = "dev.ferry.rocketmq4.Rocketmq4ClusterMain";
    static final String LOGBACK_RESOURCE = "dev/ferry/rocketmq4/logback-rocketmq4.xml";

    private Rocketmq4ClassPath() {
    }

    /** ferry-rocketmq4's jar (or classes folder) first, then the 4.9.x jars. */
    static String get() {
        URL resource = Rocketmq4ClassPath.class.getClassLoader().getResource(RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(RESOURCE + " is not on the class path: a module whose tests start a"
                + " RocketMQ 4.9.x cluster needs the test dependency dev.ferry:ferry-rocketmq4 (managed in"
                + " ferry-parent, with its own dependencies excluded)");
        }
        String jars;
        try (InputStream in = resource.openStream()) {
            jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException(resource + " is empty: rebuild ferry-rocketmq4");
        }
        return containerOf(resource) + File.pathSeparator + jars;
    }

    /** The jar or the classes folder holding the resource. */
    private static Path containerOf(URL resource) {
        try {
            if ("jar".equals(resource.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) resource.openConnection();
                return Paths.get(connection.getJarFileURL().toURI());
            }
            Path file = Paths.get(resource.toURI());
            Path root = file;
            for (int i = 0; i < RESOURCE.split("/").length; i++) {
                root = root.getParent();
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + resource, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + resource, e);
        }
    }
}
