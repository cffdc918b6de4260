package dev.ferry.embedded;

import java.io.File;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a child JVM started from this one needs: the same java, and this JVM's classpath. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The java executable this JVM runs on. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * This JVM's classpath with absolute entries, as the child may work in another folder. Under surefire it
     * may be a single manifest-only jar, which serves as well while the test run lasts.
     */
    public static String classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .map(entry -> Paths.get(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    }
}
