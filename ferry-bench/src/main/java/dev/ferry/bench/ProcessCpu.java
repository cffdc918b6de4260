package dev.ferry.bench;

import dev.ferry.embedded.DelayProxy;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU seconds the processes of a run used, read from {@code /proc/<pid>/stat} (user plus system time, in clock
 * ticks of 1/100 s): where the two cores went during a phase, which says what limits it. -1 where there is no
 * /proc.
 *
 * <p>Of a JVM that copies or produces, the threads of its JIT compilers and of its garbage collector are also
 * counted apart ({@code /proc/<pid>/task/<tid>/stat}), as {@code "<name> JIT"} and {@code "<name> GC"}: a JVM still
 * compiling spends a share of a phase on that which it will not spend once warm, and the collector's share is what
 * the heap's layout and the messages held decide. So are the delay proxies' threads ({@code "<name> proxy"}, where
 * there are any): in the bench's process they forward every byte to and from the brokers, the ceiling's too, which
 * is not the producer's work; and so are the samplers' ({@code "<name> sampling"}), which read all this every 200 ms.
 */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = 100.0;
    static final String JIT = " JIT";
    static final String GC = " GC";
    static final String PROXY = " proxy";
    static final String SAMPLING = " sampling";

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Set<String> split = new HashSet<>();
    /** Per JVM counted apart, its threads at the last reading: thread ID to {part, ticks}. */
    private final Map<Long, Map<Long, long[]>> threads = new HashMap<>();
    /** Per JVM counted apart, the ticks per part of its threads that ended. */
    private final Map<Long, long[]> ended = new HashMap<>();

    // Processes join while a sampler thread reads: both synchronized.
    synchronized ProcessCpu with(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    /** A JVM whose JIT compilers and garbage collector are counted apart as well. */
    synchronized ProcessCpu withJvmParts(String name, long pid) {
        split.add(name);
        return with(name, pid);
    }

    /** CPU seconds so far, per process (and per part of a JVM counted apart). */
    synchronized Map<String, Double> now() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, seconds(pid)));
        pids.forEach((name, pid) -> {
            if (split.contains(name)) {
                double[] parts = jvmParts(pid);
                seconds.put(name + JIT, parts[0]);
                seconds.put(name + GC, parts[1]);
                if (parts[2] > 0) {
                    seconds.put(name + PROXY, parts[2]);
                }
                if (parts[3] > 0) {
                    seconds.put(name + SAMPLING, parts[3]);
                }
            }
        });
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
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds so far of the JVM's JIT compiler threads, its collector's, its delay proxies' and its samplers':
     * {@code [jit, gc, proxy, sampling]}, -1 each when its threads cannot be read. A thread that ended since the last reading
     * keeps counting with what it had used by then (the JVM ends compiler threads it no longer needs).
     */
    synchronized double[] jvmParts(long pid) {
        Map<Long, long[]> before = threads.computeIfAbsent(pid, p -> new HashMap<>());
        long[] gone = ended.computeIfAbsent(pid, p -> new long[Part.values().length]);
        Map<Long, long[]> seen = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    seen.put(Long.parseLong(task.getFileName().toString()),
                        new long[] {part(threadName(stat)).ordinal(), ticks(stat)});
                } catch (IOException | RuntimeException threadEnded) {
                    // read again next time, or counted as ended with what it had used
                }
            }
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1, -1, -1};
        }
        before.forEach((tid, partAndTicks) -> {
            if (!seen.containsKey(tid)) {
                gone[(int) partAndTicks[0]] += partAndTicks[1];
            }
        });
        before.clear();
        before.putAll(seen);
        long[] total = gone.clone();
        seen.values().forEach(partAndTicks -> total[(int) partAndTicks[0]] += partAndTicks[1]);
        return new double[] {total[Part.JIT_THREAD.ordinal()] / TICKS_PER_SECOND,
            total[Part.GC_THREAD.ordinal()] / TICKS_PER_SECOND, total[Part.PROXY_THREAD.ordinal()] / TICKS_PER_SECOND,
            total[Part.SAMPLER_THREAD.ordinal()] / TICKS_PER_SECOND};
    }

    enum Part { JIT_THREAD, GC_THREAD, PROXY_THREAD, SAMPLER_THREAD, OTHER }

    /**
     * Which part of a HotSpot JVM a thread of this name (as {@code /proc} shows it, cut to 15 characters) does:
     * compiling ({@code C1/C2 CompilerThread}), collecting ({@code VM Thread}, where the serial collector runs, with
     * the JVM's other stop-the-world work, which is little beside it;
     * {@code GC Thread#n} and {@code G1 ...} of the parallel and G1 collectors), forwarding for a delay proxy
     * ({@code ferry-delay-proxy-...}), sampling for the benchmark ({@code ferry-bench-sampler-...}), or anything
     * else.
     */
    static Part part(String threadName) {
        if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
            return Part.JIT_THREAD;
        }
        if (threadName.equals("VM Thread") || threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
            return Part.GC_THREAD;
        }
        // Linux keeps the first 15 characters of a thread's name.
        if (threadName.startsWith(DelayProxy.THREAD_NAME_PREFIX.substring(0, 15))) {
            return Part.PROXY_THREAD;
        }
        if (threadName.startsWith(Sampler.THREAD_NAME_PREFIX.substring(0, 15))) {
            return Part.SAMPLER_THREAD;
        }
        return Part.OTHER;
    }

    /** The name between the first '(' and the last ')' of a stat line. */
    static String threadName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** User plus system ticks of a stat line. */
    static long ticks(String stat) {
        // The command name (field 2) may hold spaces; the fields after it start after its closing ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
