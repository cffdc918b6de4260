package dev.ferry.bench;

import dev.ferry.embedded.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Ferry under test as a child JVM ({@link FerryUnderTest}): started on a configuration file, its stat
 * lines collected, everything else it prints kept in a log file, stopped through its standard input so that it
 * stops as {@code ferry run} does on SIGTERM.
 */
final class FerryChild implements AutoCloseable {

    private final Process process;
    private final List<Stat> stats = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Path log;

    private FerryChild(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::read, "ferry-bench-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts Ferry on {@code config} with {@code heap} as its maximum heap; returns once it copies.
     *
     * @param jvmOptions further JVM options (a flight recording, say)
     */
    static FerryChild start(Path config, Path workDir, String heap, long statMillis, List<String> jvmOptions)
        throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaExecutable(), "-Xmx" + heap, "-Xms" + heap,
            "-Drocketmq.log.root=" + workDir.resolve("rocketmq-logs"), "-Duser.home=" + workDir));
        // The collector bin/ferry starts Ferry with, unless the options name another.
        if (jvmOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            command.add("-XX:+UseSerialGC");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", ChildJvm.classpath(), FerryUnderTest.class.getName(), config.toString(),
            Long.toString(statMillis)));
        Path log = workDir.resolve("ferry.log");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        FerryChild child = new FerryChild(process, log);
        if (!child.ready.await(2, TimeUnit.MINUTES)) {
            child.close();
            throw new IllegalStateException("Ferry did not start within 2 minutes; see " + log);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("Ferry exited with code " + process.exitValue() + "; see " + log);
        }
        return child;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                 StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                Stat stat = Stat.parse(line);
                if (stat != null) {
                    stats.add(stat);
                } else if (line.equals(Stat.READY)) {
                    ready.countDown();
                } else {
                    out.write(line);
                    out.write(System.lineSeparator());
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            ready.countDown();
        }
    }

    long pid() {
        return process.pid();
    }

    /** The newest stat line; null before the first. */
    Stat latest() {
        return stats.isEmpty() ? null : stats.get(stats.size() - 1);
    }

    /** Every stat line since {@code fromMillis}. */
    List<Stat> since(long fromMillis) {
        return stats.stream().filter(s -> s.time() >= fromMillis).collect(Collectors.toList());
    }

    Path log() {
        return log;
    }

    /**
     * Freezes Ferry (SIGSTOP) so that a backlog builds up, or another phase has the machine, without a restart
     * that would cost its warm JIT. Brief pauses only: its queue locks and client heartbeats lapse after 30 s.
     */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Thaws Ferry (SIGCONT): it goes on where it was. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        // The shell's own kill: a machine without procps has no kill binary.
        String command = "kill -s " + name + " " + process.pid();
        Process kill = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException(command + " failed");
        }
    }

    /** Asks Ferry to stop (in-flight messages sent, progress committed) and waits; forces it after a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try (PrintWriter stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(),
                StandardCharsets.UTF_8))) {
                stdin.println("stop");
            }
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

}
