package dev.ferry.client.testing;

import dev.ferry.embedded.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's main class run in a child JVM on this JVM's class path, spoken to by lines: the test reads what it
 * prints ({@link #awaitLine}) and writes to its stdin ({@link #send}). Its stderr (logs, stack traces) goes to
 * {@code target/<name>.log}. {@link #close()} kills it if it still runs, so no test leaves one behind.
 */
public final class ChildProcess implements AutoCloseable {

    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readLines, "child-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildProcess start(String name, Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-cp", ChildJvm.classpath(), mainClass.getName()));
        command.addAll(args);
        try {
            return new ChildProcess(name, new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(Path.of("target", name + ".log").toFile()))
                .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the child is gone
        } finally {
            lines.add(EOF);
        }
    }

    /** The next line the child prints that starts with {@code prefix}; fails if it ends or the timeout passes. */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(name + " printed no line starting with '" + prefix + "' within " + timeout
                        + "; see target/" + name + ".log");
                }
                if (line.equals(EOF)) {
                    lines.add(EOF);
                    throw new AssertionError(name + " ended without printing '" + prefix + "'; see target/" + name
                        + ".log");
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public void send(String line) {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name, e);
        }
    }

    /** The child's exit code, once it ended within {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still runs after " + timeout + "; see target/" + name + ".log");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
