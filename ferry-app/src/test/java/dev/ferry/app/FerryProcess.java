package dev.ferry.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code ferry run --config FILE} as a child JVM, so a test can SIGTERM or SIGKILL it. */
final class FerryProcess implements AutoCloseable {

    private final Path config;
    private final Path log;
    private Process process;
    /** How many launches have logged that they are running, for {@link #awaitRunning()}. */
    private int launches;

    private FerryProcess(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    static FerryProcess start(Path config, Path log) throws IOException {
        FerryProcess ferry = new FerryProcess(config, log);
        ferry.launch();
        return ferry;
    }

    private void launch() throws IOException {
        launches++;
        Path logDir = log.getParent().resolve("rocketmq-logs");
        Files.createDirectories(logDir);
        String java = ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
            "-Drocketmq.log.root=" + logDir, "-Duser.home=" + logDir,
            // The survivor of a killed process retries the dead one's queue locks every 2 s instead of 20 s.
            "-Drocketmq.client.rebalance.lockInterval=2000",
            "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "run", "--config", config.toString(), "--progress-seconds", "1");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()))
            .start();
    }

    /** SIGKILL: the process gets no chance to send what it has in flight or to commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as a supervisor stops Ferry; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ferry did not stop within 60 s of SIGTERM; log: " + log);
        }
        return process.exitValue();
    }

    void restart() throws IOException {
        launch();
    }

    /**
     * Waits until the latest launch logs that it is running: signals installed, backups started. A SIGTERM before
     * that ends the JVM as any JVM ends on one (exit 143), not through Ferry's clean stop.
     */
    FerryProcess awaitRunning() {
        await("ferry run is up (launch " + launches + ")").atMost(Duration.ofMinutes(1))
            .until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("ferry exited with " + process.exitValue() + " while starting; log: " + log());
                }
                return log().split("Ferry is running", -1).length - 1 >= launches;
            });
        return this;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

}
