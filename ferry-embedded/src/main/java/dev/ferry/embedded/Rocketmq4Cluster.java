package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apache RocketMQ <b>4.9.x</b> cluster (4.9.7: see ferry-rocketmq4's pom) of one NameServer and master brokers,
 * running in a child JVM on a class path of its own ({@link Rocketmq4ClassPath}), for tests of what Ferry, a 5.5.0
 * client, can do with an old cluster. Brokers do not create topics on a send ({@code autoCreateTopicEnable=false})
 * and filter by SQL-92 ({@code enablePropertyFilter=true}); each keeps a small store.
 *
 * <p>The child prints its addresses once every broker is registered; its output goes to {@code process.log} and
 * RocketMQ's logs to {@code logs/} of its folder under {@code target/ferry-embedded/}, which are kept on close
 * (the stores are deleted). {@link #close()} kills the child; it also exits by itself when this JVM does (it
 * watches the stdin pipe this JVM holds). Clients of this JVM reach it as any cluster, with their own
 * {@code instanceName}.
 *
 * <pre>{@code
 * try (Rocketmq4Cluster old = Rocketmq4Cluster.start("DefaultCluster", "broker-a", "broker-b")) {
 *     old.createTopic("orders", 4); // 4 queues on each broker
 *     producer.setNamesrvAddr(old.namesrvAddr());
 * }
 * }</pre>
 */
public final class Rocketmq4Cluster implements AutoCloseable {

    static final String READY = "FERRY-ROCKETMQ4 READY";
    static final String FAILED = "FERRY-ROCKETMQ4 FAILED";
    private static final Pattern NOT_SUPPORTED = Pattern.compile("FERRY-ROCKETMQ4 NOT-SUPPORTED code=(\\d+)");

    private static final Logger LOG = LoggerFactory.getLogger(Rocketmq4Cluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final long ADMIN_TIMEOUT_MILLIS = 10_000;
    /**
     * 4.9.x frees a store file's memory through JDK internals (DirectByteBuffer.attachment, jdk.internal.ref.Cleaner);
     * on Java 17 without these every broker fails to unmap its files on shutdown.
     */
    private static final List<String> JAVA17_FLAGS = List.of(
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED");

    private final String clusterName;
    private final Path dir;
    private final int namesrvPort;
    /** Broker name to its port, in the order given. */
    private final Map<String, Integer> brokerPorts = new LinkedHashMap<>();
    private Process process;
    private DefaultMQAdminExt admin;
    private boolean closed;

    private Rocketmq4Cluster(String clusterName, List<String> brokerNames) {
        this.clusterName = StoreDirs.checkClusterName(clusterName);
        if (brokerNames.isEmpty() || brokerNames.stream().distinct().count() != brokerNames.size()) {
            throw new IllegalArgumentException(prefix() + "broker names must be given, each once: " + brokerNames);
        }
        brokerNames.forEach(name -> brokerPorts.put(StoreDirs.checkClusterName(name), Ports.pickBrokerPort()));
        this.namesrvPort = Ports.pickNamesrvPort();
        this.dir = StoreDirs.createFresh("rocketmq4-" + clusterName);
    }

    /** Starts a 4.9.x NameServer and the named master brokers of cluster {@code clusterName}; returns once ready. */
    public static Rocketmq4Cluster start(String clusterName, String... brokerNames) {
        Rocketmq4Cluster cluster = new Rocketmq4Cluster(clusterName, List.of(brokerNames));
        try {
            cluster.launch();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String clusterName() {
        return clusterName;
    }

    /** {@code 127.0.0.1:port} of the NameServer. */
    public String namesrvAddr() {
        return EmbeddedCluster.LOCALHOST + ":" + namesrvPort;
    }

    public List<String> brokerNames() {
        return List.copyOf(brokerPorts.keySet());
    }

    /** {@code 127.0.0.1:port} of the named broker. */
    public String brokerAddr(String brokerName) {
        Integer port = brokerPorts.get(brokerName);
        if (port == null) {
            throw new IllegalArgumentException(prefix() + "no broker named '" + brokerName + "' (brokers: "
                + brokerNames() + ")");
        }
        return EmbeddedCluster.LOCALHOST + ":" + port;
    }

    /** The child's output; RocketMQ's own logs are in {@code logs/} next to it. */
    public Path logFile() {
        return dir.resolve(ClusterProcess.LOG_FILE);
    }

    /**
     * The request codes this cluster's servers have answered "request code not supported" so far, with how often: what
     * a 5.x client asked that 4.9.x does not know (read from the child's output, where its servers report each).
     */
    public synchronized SortedMap<Integer, Integer> unsupportedRequests() {
        SortedMap<Integer, Integer> codes = new TreeMap<>();
        for (String line : readLog()) {
            Matcher matcher = NOT_SUPPORTED.matcher(line);
            if (matcher.lookingAt()) {
                codes.merge(Integer.parseInt(matcher.group(1)), 1, Integer::sum);
            }
        }
        return codes;
    }

    /**
     * Creates (or updates) a topic on every broker with {@code queueCount} read and write queues each, through
     * Ferry's 5.5.0 admin client, and waits until the NameServer routes it with them all.
     */
    public synchronized void createTopic(String topic, int queueCount) {
        checkOpen();
        try {
            for (String broker : brokerNames()) {
                admin().createAndUpdateTopicConfig(brokerAddr(broker), new TopicConfig(topic, queueCount, queueCount));
            }
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot create topic '" + topic + "': " + e, e);
        }
        if (!await(ROUTE_TIMEOUT, () -> routed(topic, queueCount))) {
            throw new IllegalStateException(prefix() + "topic '" + topic + "' was created but the NameServer did"
                + " not route it to every broker within " + ROUTE_TIMEOUT.toSeconds() + " s");
        }
    }

    /**
     * How many messages the brokers hold in {@code topic}: the sum of its queues' max offsets; 0 on a broker without
     * it. Asked broker by broker: the admin client's {@code examineTopicStats(topic)} also asks each broker for the
     * topic's config (GET_TOPIC_CONFIG, request code 351, 5.x only), which 4.9.x refuses.
     */
    public synchronized long messageCount(String topic) {
        checkOpen();
        long count = 0;
        for (String broker : brokerNames()) {
            try {
                TopicStatsTable stats = admin().examineTopicStats(brokerAddr(broker), topic);
                count += stats.getOffsetTable().values().stream().mapToLong(TopicOffset::getMaxOffset).sum();
            } catch (MQBrokerException e) {
                if (e.getResponseCode() != ResponseCode.TOPIC_NOT_EXIST) {
                    throw new IllegalStateException(prefix() + "cannot read the offsets of topic '" + topic + "' on "
                        + broker + ": " + e, e);
                }
            } catch (Exception e) {
                throw new IllegalStateException(prefix() + "cannot read the offsets of topic '" + topic + "' on "
                    + broker + ": " + e, e);
            }
        }
        return count;
    }

    /** Kills the child (its stores need no clean shutdown: they are deleted) and deletes the stores; keeps the logs. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            QuickShutdown.shutdown(admin, admin::shutdown);
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{}pid {} still alive {} s after SIGKILL", prefix(), process.pid(), KILL_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            StoreDirs.deleteTree(dir.resolve("store"));
        } catch (IOException e) {
            LOG.warn("{}cannot delete {}: {}", prefix(), dir.resolve("store"), e.toString());
        }
    }

    @Override
    public String toString() {
        return "Rocketmq4Cluster[" + clusterName + ", namesrv=" + namesrvAddr() + ", brokers=" + brokerPorts + "]";
    }

    private void launch() {
        long startNanos = System.nanoTime();
        RocketMqLogging.route(); // for the 5.5.0 admin client of this JVM
        List<String> command = command();
        try {
            Files.writeString(logFile(), "=== starting: " + String.join(" ", command) + System.lineSeparator());
            // stdin stays a pipe: the child exits when it closes, that is when this JVM is gone.
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(logFile().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(prefix() + "cannot start " + command.get(0), e);
        }
        String ready = awaitReady();
        StringBuilder expected = new StringBuilder(READY).append(" namesrv=").append(namesrvAddr());
        brokerPorts.keySet().forEach(name -> expected.append(' ').append(name).append('=').append(brokerAddr(name)));
        if (!ready.equals(expected.toString())) {
            throw new IllegalStateException(prefix() + "expected '" + expected + "' but the child reported '" + ready
                + "' (see " + logFile() + ")");
        }
        LOG.info("{}started pid {} in {} ms: namesrv={} brokers={} folder={}", prefix(), process.pid(),
            Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), namesrvAddr(), brokerPorts, dir);
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaExecutable(), "-Xmx384m", "-XX:+UseSerialGC"));
        command.addAll(JAVA17_FLAGS);
        command.addAll(List.of(
            // Plain TCP: the default, permissive TLS has every server build a self-signed certificate first (5 s).
            "-Dtls.server.mode=disabled",
            "-Dlogback.configurationFile=" + Rocketmq4ClassPath.LOGBACK_RESOURCE,
            "-Drocketmq4.log.dir=" + dir.resolve("logs"),
            // The 4.9.x client inside the broker logs under ~/logs/rocketmqlogs; ~ is the folder's.
            "-Duser.home=" + dir.resolve("home"),
            "-cp", Rocketmq4ClassPath.get(),
            Rocketmq4ClassPath.MAIN_CLASS,
            "--cluster", clusterName,
            "--store-dir", dir.resolve("store").toString(),
            "--namesrv-port", Integer.toString(namesrvPort)));
        brokerPorts.forEach((name, port) -> command.addAll(List.of("--broker", name + ":" + port + ":"
            + Ports.pickHaPort())));
        return command;
    }

    /** The READY line, once the child printed it. */
    private String awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            List<String> output = readLog();
            Optional<String> ready = output.stream().filter(line -> line.startsWith(READY)).findFirst();
            if (ready.isPresent()) {
                return ready.get();
            }
            boolean failed = output.stream().anyMatch(line -> line.startsWith(FAILED));
            if (failed || !process.isAlive() || System.nanoTime() - deadline > 0) {
                String why = failed || !process.isAlive() ? "failed to start"
                    : "did not start within " + READY_TIMEOUT.toSeconds() + " s";
                throw new IllegalStateException(prefix() + why + "; last lines of " + logFile() + ":"
                    + System.lineSeparator() + String.join(System.lineSeparator(),
                    output.subList(Math.max(0, output.size() - 30), output.size())));
            }
            pause();
        }
    }

    private List<String> readLog() {
        try {
            return Files.readString(logFile(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(prefix() + "cannot read " + logFile(), e);
        }
    }

    private boolean routed(String topic, int queueCount) {
        try {
            TopicRouteData route = admin().examineTopicRouteInfo(topic);
            return brokerPorts.keySet().stream().allMatch(broker -> route.getQueueDatas().stream()
                .anyMatch(q -> q.getBrokerName().equals(broker) && q.getWriteQueueNums() >= queueCount));
        } catch (Exception e) {
            return false; // no route (yet)
        }
    }

    private DefaultMQAdminExt admin() throws Exception {
        if (admin == null) {
            DefaultMQAdminExt created = new DefaultMQAdminExt(ADMIN_TIMEOUT_MILLIS);
            created.setNamesrvAddr(namesrvAddr());
            created.setInstanceName("ferry-rocketmq4-admin-" + clusterName + "-" + UUID.randomUUID());
            created.start();
            admin = created;
        }
        return admin;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
    }

    private static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** The poll interval of the launcher's own waits for the child. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String prefix() {
        return "RocketMQ 4.9.x cluster '" + clusterName + "': ";
    }
}
