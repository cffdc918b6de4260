package dev.ferry.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ferry run --config FILE} as a child JVM, so a test can SIGTERM or SIGKILL it. */
final class FerryProcess implements AutoCloseable {

    private static final Pattern DASHBOARD = Pattern.compile("dashboard at http://([0-9.]+:[0-9]+)/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path config;
    private final Path log;
    /** Whether the client's queue locks are renewed and counted expired sooner, as in the test JVM. */
    private final boolean shortLocks;
    private Process process;
    /** How many launches have logged that they are running, for {@link #awaitRunning()}. */
    private int launches;

    private FerryProcess(Path config, Path log, boolean shortLocks) {
        this.config = config;
        this.log = log;
        this.shortLocks = shortLocks;
    }

    static FerryProcess start(Path config, Path log) throws IOException {
        return start(config, log, true);
    }

    /**
     * @param shortLocks false: RocketMQ's client lock settings as users run them (renewed every 20 s, counted
     *                   expired after 30 s), for a test that must show what a restart costs with them
     */
    static FerryProcess start(Path config, Path log, boolean shortLocks) throws IOException {
        FerryProcess ferry = new FerryProcess(config, log, shortLocks);
        ferry.launch();
        return ferry;
    }

    private void launch() throws IOException {
        launches++;
        Path logDir = log.getParent().resolve("rocketmq-logs");
        Files.createDirectories(logDir);
        String java = ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // The quick compiler only: a test's Ferry lives for seconds and copies thousands, where the optimizing one
        // took a core of its own for the first seconds of every start, beside the brokers and the test.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Drocketmq.log.root=" + logDir, "-Duser.home=" + logDir));
        if (shortLocks) {
            // The survivor of a killed process retries the dead one's queue locks every 2 s instead of 20 s (and
            // counts its own expired after 6 s instead of 30, before the test brokers' 10 s), as the test JVM does.
            command.addAll(List.of("-Drocketmq.client.rebalance.lockInterval=2000",
                "-Drocketmq.client.rebalance.lockMaxLiveTime=6000"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "run", "--config", config.toString(), "--progress-seconds", "1"));
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

    /** SIGHUP, as an operator asks Ferry to re-read its file. */
    void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -HUP " + process.pid() + " failed with " + kill.exitValue());
        }
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

    /** The latest launch's {@code /status}, as JSON text. */
    String status() throws IOException, InterruptedException {
        Matcher dashboard = DASHBOARD.matcher(log());
        String address = null;
        while (dashboard.find()) {
            address = dashboard.group(1);
        }
        if (address == null) {
            throw new IllegalStateException("ferry has not said where its dashboard is yet; log: " + log());
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + "/status"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
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
