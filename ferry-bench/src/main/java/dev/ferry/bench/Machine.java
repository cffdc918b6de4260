package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark ran on: without it a figure means nothing. */
public record Machine(int cores, long memoryMiB, String cpu, String jdk, String os) {

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(), memTotalMiB(), cpuModel(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    String summary() {
        return cores + " cores (" + cpu + "), " + String.format("%.1f", memoryMiB / 1024.0) + " GiB, " + jdk + ", " + os;
    }

    private static long memTotalMiB() {
        String value = procLine("/proc/meminfo", "MemTotal:");
        if (value == null) {
            return Runtime.getRuntime().maxMemory() / (1024 * 1024);
        }
        return Long.parseLong(value.replace("kB", "").strip()) / 1024;
    }

    private static String cpuModel() {
        String value = procLine("/proc/cpuinfo", "model name");
        return value == null ? System.getProperty("os.arch") : value.replaceFirst("^\\s*:\\s*", "").strip();
    }

    private static String procLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length())).findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
