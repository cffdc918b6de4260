package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds the processes of a run used, read from {@code /proc/<pid>/stat} (user plus system time, in clock
 * ticks of 1/100 s): where the two cores went during a phase, which says what limits it. -1 where there is no
 * /proc.
 */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids = new LinkedHashMap<>();

    // Processes join while a sampler thread reads: both synchronized.
    synchronized ProcessCpu with(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    /** CPU seconds so far, per process. */
    synchronized Map<String, Double> now() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, seconds(pid)));
        return seconds;
    }

    /**
     * Per process, the CPU seconds between two readings of {@link #now()}; a process missing from the first
     * started in between, and counts from 0.
     */
    static Map<String, Double> between(Map<String, Double> from, Map<String, Double> to) {
        Map<String, Double> used = new LinkedHashMap<>();
        to.forEach((name, end) -> {
            double start = from.getOrDefault(name, 0.0);
            used.put(name, start < 0 || end < 0 ? -1 : Math.round((end - start) * 10) / 10.0);
        });
        return used;
    }

    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may hold spaces; the fields after it start after its closing ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
