package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster of an {@link EmbeddedCluster}, run in a child JVM, so that a test can kill it hard (SIGKILL)
 * and start it again on the same ports with the same store.
 *
 * <p>The child's output goes to {@code process.log} in the store folder, RocketMQ's logs to
 * {@code logs/}; the child works in the store folder with {@code user.home} pointing into it. It exits by
 * itself when this JVM does.
 */
public final class ClusterProcess implements AutoCloseable {

    static final String LOG_FILE = "process.log";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Closing the cluster in the child takes up to ~15 s, mostly fixed pauses inside RocketMQ. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    private static final int LOG_TAIL_LINES = 30;

    private final String clusterName;
    private final String brokerName;
    private final Path storeDir;
    private final boolean ownsStoreDir;
    private final int namesrvPort;
    private final int brokerPort;
    private final String heap;
    private final int maxMessageSize;
    private final Map<String, String> brokerProperties;
    /** The certificate and key its servers show, enforcing TLS; null: plain TCP. */
    private final Path tlsCertificate;
    private final Path tlsKey;
    /** The CA a client's certificate must chain to; null: no client certificate asked. */
    private final Path tlsClientCa;
    /** In this JVM, in front of the child's servers; null unless built {@link Builder#behindDelayProxy()}. */
    private final boolean behindDelayProxy;
    private DelayProxy proxy;

    private Process process;
    private boolean closed;

    private ClusterProcess(Builder builder) {
        this.clusterName = builder.clusterName;
        this.brokerName = builder.brokerName != null ? builder.brokerName : EmbeddedCluster.brokerNameOf(clusterName);
        this.ownsStoreDir = builder.storeRoot == null;
        this.storeDir = ownsStoreDir ? StoreDirs.createFresh(clusterName) : createDirectories(builder.storeRoot);
        this.namesrvPort = Ports.pickNamesrvPort();
        this.brokerPort = Ports.pickBrokerPort();
        this.heap = builder.heap;
        this.maxMessageSize = builder.maxMessageSize;
        this.brokerProperties = Map.copyOf(builder.brokerProperties);
        this.tlsCertificate = builder.tlsCertificate;
        this.tlsKey = builder.tlsKey;
        this.tlsClientCa = builder.tlsClientCa;
        this.behindDelayProxy = builder.behindDelayProxy;
    }

    public static Builder builder(String clusterName) {
        return new Builder(clusterName);
    }

    /** {@code 127.0.0.1:port} of the NameServer; the same across restarts. */
    public String namesrvAddr() {
        return EmbeddedCluster.LOCALHOST + ":" + namesrvPort;
    }

    /**
     * {@code 127.0.0.1:port} of the broker, where it listens; the same across restarts. Behind a delay proxy,
     * clients are sent to {@link #proxiedBrokerAddr()} instead; this address reaches the broker without delay.
     */
    public String brokerAddr() {
        return EmbeddedCluster.LOCALHOST + ":" + brokerPort;
    }

    /**
     * The NameServer's address behind the {@link #proxy() delay proxy}: {@code 127.0.0.2:port}.
     *
     * @throws IllegalStateException for a cluster built without one
     */
    public String proxiedNamesrvAddr() {
        proxy();
        return EmbeddedCluster.PROXIED_HOST + ":" + namesrvPort;
    }

    /**
     * The broker's address behind the {@link #proxy() delay proxy}, {@code 127.0.0.2:port}: the one it advertises,
     * which the NameServer gives every client.
     *
     * @throws IllegalStateException for a cluster built without one
     */
    public String proxiedBrokerAddr() {
        proxy();
        return EmbeddedCluster.PROXIED_HOST + ":" + brokerPort;
    }

    /**
     * The delay proxy in front of the NameServer and the broker, running in this JVM, when the cluster was built
     * {@link Builder#behindDelayProxy() behind one}; it stays up across the child's kills and restarts.
     *
     * @throws IllegalStateException for a cluster built without one
     */
    public synchronized DelayProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException(prefix() + (behindDelayProxy ? "not started"
                : "built without a delay proxy (Builder.behindDelayProxy)"));
        }
        return proxy;
    }

    public String clusterName() {
        return clusterName;
    }

    public String brokerName() {
        return brokerName;
    }

    /** The folder with the cluster's store, RocketMQ's logs and the child's output. */
    public Path storeDir() {
        return storeDir;
    }

    /** The child's stdout and stderr, across all its starts. */
    public Path logFile() {
        return storeDir.resolve(LOG_FILE);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id of the current (or last) child. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(prefix() + "not started");
        }
        return process.pid();
    }

    /** Kills the child with SIGKILL, as a crash would, and waits until it is gone. */
    public synchronized void kill() {
        if (!isAlive()) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(KILL_TIMEOUT)) {
            throw new IllegalStateException(prefix() + "pid " + process.pid() + " still alive "
                + KILL_TIMEOUT.toSeconds() + " s after SIGKILL");
        }
        LOG.info("{}killed pid {}", prefix(), process.pid());
    }

    /** Stops the child with SIGTERM, letting it close the cluster cleanly, and waits until it is gone. */
    public synchronized void stop() {
        if (!isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(STOP_TIMEOUT)) {
            LOG.warn("{}pid {} did not stop within {} s of SIGTERM; killing it", prefix(), process.pid(),
                STOP_TIMEOUT.toSeconds());
            kill();
            return;
        }
        LOG.info("{}stopped pid {} (exit code {})", prefix(), process.pid(), process.exitValue());
    }

    /**
     * Starts the cluster again on the same ports with the same store, stopping it first if it still runs.
     * After {@link #kill()} the broker recovers its store as after a crash.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
        stop();
        launch();
    }

    /**
     * Stops the child if it runs and deletes the store folder if this object created it. A store that is
     * deleted right after needs no clean shutdown (about 10 s of RocketMQ's fixed pauses): then the child is
     * killed. A store given by the caller outlives the child, so it is stopped cleanly.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (proxy != null) {
            proxy.close();
        }
        if (ownsStoreDir) {
            kill();
        } else {
            stop();
        }
        if (ownsStoreDir) {
            try {
                StoreDirs.deleteTree(storeDir);
            } catch (IOException e) {
                LOG.warn("{}cannot delete store folder {}: {}", prefix(), storeDir, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "ClusterProcess[" + clusterName + ", namesrv=" + namesrvAddr() + ", broker=" + brokerAddr() + "]";
    }

    private void launch() {
        long startNanos = System.nanoTime();
        List<String> command = command();
        Path log = logFile();
        long readFrom = appendHeader(log, command);
        try {
            process = new ProcessBuilder(command)
                .directory(storeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException(prefix() + "cannot start " + command.get(0), e);
        }
        awaitReady(log, readFrom);
        if (behindDelayProxy && proxy == null) {
            proxy = DelayProxy.inFrontOf(clusterName, namesrvPort, List.of(brokerPort));
        }
        LOG.info("{}started pid {} in {} ms: namesrv={} broker={} store={}", prefix(), process.pid(),
            Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), namesrvAddr(), brokerAddr(), storeDir);
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(
            ChildJvm.javaExecutable(),
            "-Xmx" + heap,
            "-XX:+UseSerialGC",
            "-D" + RocketMqLogging.LOG_ROOT_PROPERTY + "=" + storeDir.resolve("logs"),
            // Anything RocketMQ still puts under ~ lands in the store folder too.
            "-Duser.home=" + storeDir.resolve("home"),
            "-cp", ChildJvm.classpath(),
            EmbeddedClusterMain.class.getName(),
            "--name", clusterName,
            "--broker-name", brokerName,
            "--store-dir", storeDir.toString(),
            "--namesrv-port", Integer.toString(namesrvPort),
            "--broker-port", Integer.toString(brokerPort),
            "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        if (tlsCertificate != null) {
            // RocketMQ's servers read their TLS settings from system properties, once per JVM.
            command.addAll(1, List.of("-Dtls.server.mode=enforcing", "-Dtls.test.mode.enable=false",
                "-Dtls.server.certPath=" + tlsCertificate, "-Dtls.server.keyPath=" + tlsKey));
            command.addAll(1, tlsClientCa == null ? List.of("-Dtls.server.need.client.auth=none")
                : List.of("-Dtls.server.need.client.auth=require", "-Dtls.server.trustCertPath=" + clientTrust(),
                    // Without it RocketMQ's servers ask for a certificate, then take any.
                    "-Dtls.server.authClient=true",
                    // Its own broker is a client of its NameServer: it shows the server's certificate.
                    "-Dtls.client.certPath=" + tlsCertificate, "-Dtls.client.keyPath=" + tlsKey));
        }
        if (maxMessageSize > 0) {
            command.addAll(List.of("--max-message-size", Integer.toString(maxMessageSize)));
        }
        if (behindDelayProxy) {
            command.addAll(List.of("--advertised-host", EmbeddedCluster.PROXIED_HOST));
        }
        brokerProperties.forEach((key, value) -> command.addAll(List.of("--broker-property", key + "=" + value)));
        return command;
    }

    /** The clients the servers accept: those signed by the client CA, and the cluster's own broker. */
    private Path clientTrust() {
        Path bundle = storeDir.resolve("client-trust.pem");
        try {
            Files.writeString(bundle, Files.readString(tlsClientCa).strip() + System.lineSeparator()
                + Files.readString(tlsCertificate).strip() + System.lineSeparator());
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException(prefix() + "cannot write " + bundle, e);
        }
    }

    /** Marks the start in the log; returns where this start's output begins. */
    private long appendHeader(Path log, List<String> command) {
        String header = "=== " + Instant.now() + " starting: " + String.join(" ", command) + System.lineSeparator();
        try {
            Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            return Files.size(log);
        } catch (IOException e) {
            throw new UncheckedIOException(prefix() + "cannot write " + log, e);
        }
    }

    private void awaitReady(Path log, long readFrom) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            List<String> output = readLines(log, readFrom);
            Optional<String> ready = output.stream().filter(l -> l.startsWith(EmbeddedClusterMain.READY)).findFirst();
            if (ready.isPresent()) {
                checkAddresses(ready.get(), log);
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(prefix() + "child JVM exited with code " + process.exitValue()
                    + " before the cluster was ready" + tail(output, log));
            }
            if (System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw new IllegalStateException(prefix() + "cluster did not start within "
                    + READY_TIMEOUT.toSeconds() + " s" + tail(output, log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(prefix() + "interrupted while waiting for the cluster", e);
            }
        }
    }

    private void checkAddresses(String readyLine, Path log) {
        String expected = EmbeddedClusterMain.READY + " namesrv=" + namesrvAddr() + " broker=" + brokerAddr();
        if (!readyLine.equals(expected)) {
            process.destroyForcibly();
            throw new IllegalStateException(prefix() + "expected '" + expected + "' but the child reported '"
                + readyLine + "' (see " + log + ")");
        }
    }

    private static List<String> readLines(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8).lines()
                .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    private static String tail(List<String> lines, Path log) {
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "; last lines of " + log + ":" + System.lineSeparator() + String.join(System.lineSeparator(), tail);
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private String prefix() {
        return "cluster process '" + clusterName + "': ";
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store folder " + dir, e);
        }
    }

    /** Settings of a {@link ClusterProcess}; {@link #start()} starts it. */
    public static final class Builder {

        private final String clusterName;
        private Path storeRoot;
        private String heap = "256m";
        private String brokerName;
        private int maxMessageSize;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path tlsCertificate;
        private Path tlsKey;
        private Path tlsClientCa;
        private boolean behindDelayProxy;

        private Builder(String clusterName) {
            this.clusterName = StoreDirs.checkClusterName(clusterName);
        }

        /**
         * The folder for the cluster's files; kept on close. By default a fresh folder under
         * {@code target/ferry-embedded/} (or java.io.tmpdir), deleted on close.
         */
        public Builder storeRoot(Path storeRoot) {
            this.storeRoot = Objects.requireNonNull(storeRoot, "storeRoot");
            return this;
        }

        /**
         * The broker's name, as production clusters name it ({@code broker-a}); by default
         * {@code <cluster>-broker-a}. Two clusters may carry the same names.
         */
        public Builder brokerName(String brokerName) {
            this.brokerName = StoreDirs.checkClusterName(brokerName);
            return this;
        }

        /** The child's maximum heap, as for -Xmx (default "256m"). */
        public Builder heap(String heap) {
            if (heap == null || !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("cluster process '" + clusterName + "': invalid heap size '"
                    + heap + "' (use e.g. 256m or 1g)");
            }
            this.heap = heap;
            return this;
        }

        /**
         * The NameServer and the broker accept TLS only ({@code tls.server.mode=enforcing}), showing
         * {@code certificate} (PEM) with its PKCS#8 {@code key}; plain TCP is refused.
         */
        public Builder tls(Path certificate, Path key) {
            this.tlsCertificate = Objects.requireNonNull(certificate, "certificate").toAbsolutePath();
            this.tlsKey = Objects.requireNonNull(key, "key").toAbsolutePath();
            return this;
        }

        /**
         * As {@link #tls(Path, Path)}, and every client must show a certificate signed by {@code clientCa}
         * ({@code tls.server.need.client.auth=require}).
         */
        public Builder tls(Path certificate, Path key, Path clientCa) {
            this.tlsClientCa = Objects.requireNonNull(clientCa, "clientCa").toAbsolutePath();
            return tls(certificate, key);
        }

        /**
         * As {@link EmbeddedCluster.Builder#behindDelayProxy()}: the child's servers listen on 127.0.0.1, the
         * broker advertises 127.0.0.2, and a {@link DelayProxy} in this JVM forwards from 127.0.0.2 to 127.0.0.1
         * on the same ports.
         */
        public Builder behindDelayProxy() {
            this.behindDelayProxy = true;
            return this;
        }

        /** As {@link EmbeddedCluster.Builder#maxMessageSize(int)}. */
        public Builder maxMessageSize(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("cluster process '" + clusterName
                    + "': maxMessageSize must be positive, not " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** As {@link EmbeddedCluster.Builder#brokerProperty(String, String)}; checked here already. */
        public Builder brokerProperty(String key, String value) {
            try {
                BrokerProperties.check(key, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster process '" + clusterName + "': " + e.getMessage(), e);
            }
            brokerProperties.put(key, value);
            return this;
        }

        /** Picks free ports, starts the child JVM and returns once its cluster is ready. */
        public ClusterProcess start() {
            ClusterProcess cluster = new ClusterProcess(this);
            try {
                cluster.launch();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }
}
