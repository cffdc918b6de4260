package dev.ferry.bench;

import dev.ferry.backup.Backup;
import dev.ferry.backup.Ferry;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of the benchmark: Ferry's engine, started as {@code ferry run} starts it, on a configuration
 * file, printing one {@link Stat} line every interval until its standard input says {@code stop} or closes.
 * Its own JVM, so that its CPU time, heap and resident memory are Ferry's alone.
 */
public final class FerryUnderTest {

    private FerryUnderTest() {
    }

    /** Arguments: the configuration file, the interval between stat lines in milliseconds. */
    public static void main(String[] args) throws Exception {
        FerryConfig config = ConfigLoader.load(Path.of(args[0]));
        long every = Long.parseLong(args[1]);
        CountDownLatch stop = new CountDownLatch(1);
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.strip().equals("stop")) {
                    // only "stop" means anything
                }
            } catch (IOException parentGone) {
                // stop as well
            }
            stop.countDown();
        }, "ferry-bench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        // Before Ferry starts: the zero its CPU time and copies are counted from.
        System.out.println(stat(null).line());
        try (Ferry ferry = Ferry.start(config)) {
            System.out.println(Stat.READY);
            do {
                System.out.println(stat(ferry).line());
            } while (!stop.await(every, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        System.exit(0);
    }

    /** A sample of the running Ferry; with null, of the JVM before Ferry starts. */
    private static Stat stat(Ferry ferry) {
        long copied = 0;
        long backlog = 0;
        long inFlight = 0;
        if (ferry != null) {
            for (LinkStatus link : ferry.status()) {
                copied += link.copied();
                backlog += Math.max(0, link.backlog());
            }
            for (Backup backup : ferry.backups()) {
                for (Link link : backup.links()) {
                    inFlight += link.inFlightBytes();
                }
            }
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Stat(System.currentTimeMillis(), copied, backlog, inFlight, heap, cpu, procStatus("VmRSS"),
            procStatus("VmHWM"));
    }

    /** A size from /proc/self/status in bytes; -1 where there is none (not Linux). */
    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
