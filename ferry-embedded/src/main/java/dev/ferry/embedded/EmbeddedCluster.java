package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocketMQ cluster of one NameServer and one or more master brokers (each with a slave, if asked), running
 * inside this JVM.
 *
 * <p>By default its one broker is named {@code <cluster>-broker-a}; {@link Builder#brokers} names them as
 * production clusters do ({@code builder("DefaultCluster").brokers("broker-a", "broker-b")}), and two clusters
 * may carry the very same names. Every server listens on 127.0.0.1 only. Several clusters can run side by side;
 * each has its own ports and store folder. Clients talking to more than one cluster from the same JVM must give each client
 * its own {@code instanceName}, or RocketMQ shares one client instance and the first NameServer wins.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder("source").start()) {
 *     cluster.createTopic("orders", 8); // 8 queues on every broker
 *     producer.setNamesrvAddr(cluster.namesrvAddr());
 * }
 * }</pre>
 */
public final class EmbeddedCluster implements AutoCloseable {

    /** RocketMQ's default is 1 GiB per commit log file; tests and demos need far less. */
    static final int DEFAULT_COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;
    static final String LOCALHOST = "127.0.0.1";
    /**
     * Where a cluster {@link Builder#behindDelayProxy() behind a delay proxy} is reached: the proxy listens on
     * this loopback address, on each server's own port.
     */
    static final String PROXIED_HOST = "127.0.0.2";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

    /** RocketMQ sizes its pools for a dedicated many-core host (up to 32 threads each). */
    static final int POOL_THREADS = 2;

    /** Long enough for a killed process's ports to be released before a restart binds them again. */
    private static final Duration PORT_WAIT = Duration.ofSeconds(15);
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);
    private static final long ADMIN_TIMEOUT_MILLIS = 10_000;

    private final String clusterName;
    private final Path storeDir;
    private final boolean ownsStoreDir;
    private final int namesrvPort;
    private final List<EmbeddedBroker> brokers = new ArrayList<>();
    /** One per master when the cluster was built {@link Builder#withSlaves with slaves}; empty otherwise. */
    private final List<EmbeddedBroker> slaves = new ArrayList<>();

    /** Null unless the cluster was built {@link Builder#withAcl with ACL 2.0}. */
    private final EmbeddedAcl acl;
    /** Null unless the cluster was built {@link Builder#behindDelayProxy() behind a delay proxy}. */
    private DelayProxy proxy;
    private NamesrvController namesrv;
    private DefaultMQAdminExt admin;
    private boolean closed;
    private volatile boolean closingInBackground;
    private static final List<Thread> BACKGROUND_CLOSES = new ArrayList<>();
    private static boolean closeHookAdded;

    private EmbeddedCluster(Builder builder) {
        this.clusterName = builder.clusterName;
        this.ownsStoreDir = builder.storeRoot == null;
        this.storeDir = ownsStoreDir ? StoreDirs.createFresh(clusterName) : createDirectories(builder.storeRoot);
        this.namesrvPort = builder.namesrvPort != 0 ? builder.namesrvPort : Ports.pickNamesrvPort();
        EmbeddedBroker.Settings settings = new EmbeddedBroker.Settings(clusterName, namesrvAddr(),
            builder.autoCreateTopics, builder.maxMessageSize, builder.commitLogFileSize,
            Map.copyOf(builder.brokerProperties), builder.superUser,
            builder.delayProxy ? PROXIED_HOST : builder.advertisedHost);
        this.acl = builder.superUser == null ? null : new EmbeddedAcl(clusterName, builder.superUser,
            new EmbeddedAcl.Brokers() {
                @Override
                public DefaultMQAdminExt admin() throws Exception {
                    return EmbeddedCluster.this.admin();
                }

                @Override
                public List<String> runningAddresses() {
                    return EmbeddedCluster.this.runningAddresses();
                }
            });
        List<String> names = builder.brokerNames.isEmpty() ? List.of(brokerNameOf(clusterName)) : builder.brokerNames;
        for (int i = 0; i < names.size(); i++) {
            int port = i == 0 && builder.brokerPort != 0 ? builder.brokerPort : Ports.pickBrokerPort();
            brokers.add(new EmbeddedBroker(settings, names.get(i), storeDir.resolve("broker-" + names.get(i)), port,
                MixAll.MASTER_ID, Ports.pickHaPort()));
        }
        if (builder.slaves) {
            for (EmbeddedBroker master : brokers) {
                slaves.add(new EmbeddedBroker(settings, master.name(), storeDir.resolve("broker-" + master.name()
                    + "-slave"), Ports.pickBrokerPort(), 1, master.haPort()));
            }
        }
    }

    /** Starts describing a cluster; {@code clusterName} is also the RocketMQ brokerClusterName. */
    public static Builder builder(String clusterName) {
        return new Builder(clusterName);
    }

    static String brokerNameOf(String clusterName) {
        return clusterName + "-broker-a";
    }

    /** {@code 127.0.0.1:port} of the NameServer, for clients' {@code namesrvAddr}. */
    public String namesrvAddr() {
        return LOCALHOST + ":" + namesrvPort;
    }

    /**
     * The NameServer's address behind the cluster's {@link #proxy() delay proxy}: {@code 127.0.0.2:port}.
     *
     * @throws IllegalStateException for a cluster built without one
     */
    public String proxiedNamesrvAddr() {
        proxy();
        return PROXIED_HOST + ":" + namesrvPort;
    }

    /**
     * The delay proxy in front of the NameServer and every broker, when the cluster was built
     * {@link Builder#behindDelayProxy() behind one}: set its delay to put the cluster far away.
     *
     * @throws IllegalStateException for a cluster built without one
     */
    public DelayProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException(prefix() + "built without a delay proxy (Builder.behindDelayProxy)");
        }
        return proxy;
    }

    /** {@code 127.0.0.1:port} of the (first) broker: where it listens, not through a proxy. */
    public String brokerAddr() {
        return brokers.get(0).address();
    }

    /** {@code 127.0.0.1:port} of the broker named {@code brokerName}. */
    public String brokerAddr(String brokerName) {
        return broker(brokerName).address();
    }

    /** The name of the (first) broker. */
    public String brokerName() {
        return brokers.get(0).name();
    }

    /**
     * The cluster's users and their rights, when it was built {@link Builder#withAcl with ACL 2.0}.
     *
     * @throws IllegalStateException for a cluster without ACL
     */
    public EmbeddedAcl acl() {
        if (acl == null) {
            throw new IllegalStateException(prefix() + "built without ACL (Builder.withAcl)");
        }
        return acl;
    }

    /** Whether the cluster was built {@link Builder#withAcl with ACL 2.0}. */
    public boolean hasAcl() {
        return acl != null;
    }

    private synchronized List<String> runningAddresses() {
        List<String> addresses = new ArrayList<>();
        brokers.stream().filter(EmbeddedBroker::running).forEach(b -> addresses.add(b.address()));
        slaves.stream().filter(EmbeddedBroker::running).forEach(b -> addresses.add(b.address()));
        return addresses;
    }

    /** The names of the cluster's brokers, in the order they were given. */
    public List<String> brokerNames() {
        return brokers.stream().map(EmbeddedBroker::name).toList();
    }

    public String clusterName() {
        return clusterName;
    }

    /** The folder of one broker's store (commit log, consume queues, configs): {@code <storeDir>/broker-<name>}. */
    public Path brokerStoreDir(String brokerName) {
        return broker(brokerName).storeDir();
    }

    /** The folder holding the NameServer's and the brokers' files. */
    public Path storeDir() {
        return storeDir;
    }

    /**
     * Creates (or updates) a topic on every broker with {@code queueCount} read and write queues each (as
     * {@code mqadmin updateTopic -c} does), and waits until the NameServer serves its route, so clients can use
     * it right away. Slaves take it from their masters at once, as they would within a minute by themselves.
     */
    public void createTopic(String topic, int queueCount) {
        createTopic(topic, queueCount, brokerNames());
    }

    /**
     * Creates (or updates) a topic on every broker with topic attributes, as {@code mqadmin updateTopic -a} does:
     * {@code message.type=FIFO}, for instance.
     */
    public void createTopic(String topic, int queueCount, Map<String, String> attributes) {
        createTopic(topic, queueCount, brokerNames(), attributes);
    }

    /** Creates (or updates) a topic on the named brokers only, {@code queueCount} queues on each. */
    public void createTopic(String topic, int queueCount, List<String> onBrokers) {
        createTopic(topic, queueCount, onBrokers, Map.of());
    }

    /** The topic's attributes as its first running broker keeps them ({@code message.type}, ...); empty if none. */
    public Map<String, String> topicAttributes(String topic) throws Exception {
        TopicConfig config = admin().examineTopicConfig(runningAddresses().get(0), topic);
        return config == null ? Map.of() : Map.copyOf(config.getAttributes());
    }

    private synchronized void createTopic(String topic, int queueCount, List<String> onBrokers,
                                          Map<String, String> attributes) {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
        if (queueCount < 1) {
            throw new IllegalArgumentException(prefix() + "topic '" + topic + "' needs at least 1 queue, not "
                + queueCount);
        }
        List<EmbeddedBroker> chosen = onBrokers.stream().map(this::broker).toList();
        for (EmbeddedBroker broker : chosen) {
            try {
                TopicConfig config = new TopicConfig(topic, queueCount, queueCount);
                Map<String, String> added = new HashMap<>();
                attributes.forEach((key, value) -> added.put("+" + key, value));
                config.setAttributes(added);
                admin().createAndUpdateTopicConfig(broker.address(), config);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(prefix() + "interrupted while creating topic '" + topic + "'", e);
            } catch (Exception e) {
                throw new IllegalStateException(prefix() + "cannot create topic '" + topic + "' on " + broker.name()
                    + ": " + describe(e), e);
            }
        }
        if (!await(ROUTE_TIMEOUT, () -> chosen.stream().allMatch(b -> b.routes(namesrv, topic, queueCount)))) {
            throw new IllegalStateException(prefix() + "topic '" + topic + "' was created but its route did not"
                + " reach the NameServer within " + ROUTE_TIMEOUT.toSeconds() + " s");
        }
        syncSlaves();
    }

    /**
     * Deletes a topic from every running broker and from the NameServer, its messages and the groups' offsets on
     * it with it (as {@code mqadmin deleteTopic -c} does).
     */
    public synchronized void deleteTopic(String topic) {
        Set<String> addresses = new HashSet<>();
        brokers.stream().filter(EmbeddedBroker::running).forEach(b -> addresses.add(b.address()));
        try {
            admin().deleteTopicInBroker(addresses, topic);
            admin().deleteTopicInNameServer(Set.of(namesrvAddr()), topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix() + "interrupted while deleting topic '" + topic + "'", e);
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot delete topic '" + topic + "': " + describe(e), e);
        }
    }

    /**
     * Has every running slave take its master's topics, groups and offsets now, as slaves do by themselves once a
     * minute: what a cluster that has run a while looks like (a slave read of a topic its slave does not know yet
     * is refused).
     */
    public synchronized void syncSlaves() {
        for (EmbeddedBroker slave : slaves) {
            EmbeddedBroker master = broker(slave.name());
            if (slave.running() && master.running()) {
                slave.syncMetadataFrom(master);
            }
        }
    }

    /**
     * How many messages the cluster's running brokers hold in {@code topic}: the sum of its queues' max
     * offsets, read from the stores (0 for a topic they do not have). Exact and cheap, for counting what arrived
     * and that nothing more arrives.
     */
    public synchronized long messageCount(String topic) {
        long count = 0;
        for (EmbeddedBroker broker : brokers) {
            if (broker.running()) {
                count += messageCount(topic, broker.name());
            }
        }
        return count;
    }

    /** How many messages the named broker holds in {@code topic}. */
    public synchronized long messageCount(String topic, String brokerName) {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
        try {
            return broker(brokerName).messageCount(topic);
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot read the offsets of topic '" + topic + "' on "
                + brokerName + ": " + describe(e), e);
        }
    }

    /**
     * Stops one broker, as an outage of that broker alone: the NameServer and the other brokers go on. Its
     * store and port are kept for {@link #startBroker}.
     */
    public synchronized void stopBroker(String brokerName) {
        stop(broker(brokerName), "broker " + brokerName);
    }

    /** Stops one broker, master or slave, and waits until its ports are free for its restart. */
    private void stop(EmbeddedBroker broker, String what) {
        shutdownQuietly(what, () -> broker.stop(() -> { }));
        if (!Ports.awaitFree(PORT_WAIT, broker.ports())) {
            LOG.warn("{}ports of {} still in use {} s after it stopped", prefix(), what, PORT_WAIT.toSeconds());
        }
    }

    /** Starts a broker stopped by {@link #stopBroker} again, with what its store held; returns once registered. */
    public synchronized void startBroker(String brokerName) {
        startBroker(broker(brokerName));
    }

    /** Stops the slave of the named broker (its master goes on); its store and port are kept. */
    public synchronized void stopSlave(String brokerName) {
        stop(slave(brokerName), "the slave of " + brokerName);
    }

    /** Starts the slave of the named broker again; it catches up with its master by itself. */
    public synchronized void startSlave(String brokerName) {
        startBroker(slave(brokerName));
    }

    /**
     * Changes a setting of the named broker's running slave, as {@code mqadmin updateBrokerConfig -b <slave>}
     * does (for example {@code slaveReadEnable}); it takes effect at once and lasts until the slave restarts.
     */
    public synchronized void updateSlaveConfig(String brokerName, String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        try {
            admin().updateBrokerConfig(slave(brokerName).address(), properties);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix() + "interrupted while updating " + key, e);
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot set " + key + " on the slave of " + brokerName + ": "
                + describe(e), e);
        }
    }

    /** How many messages the slave of the named broker holds in {@code topic}: what it has replicated. */
    public synchronized long slaveMessageCount(String topic, String brokerName) {
        try {
            return slave(brokerName).messageCount(topic);
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot read the offsets of topic '" + topic + "' on the"
                + " slave of " + brokerName + ": " + describe(e), e);
        }
    }

    private EmbeddedBroker slave(String brokerName) {
        return slaves.stream().filter(b -> b.name().equals(brokerName)).findFirst().orElseThrow(() ->
            new IllegalArgumentException(prefix() + "broker '" + brokerName + "' has no slave (slaves: "
                + slaves.stream().map(EmbeddedBroker::name).toList() + ")"));
    }

    /**
     * Stops the broker, then the NameServer, waits until their ports are free and deletes the store
     * folder if this cluster created it. Calling it again does nothing. Takes about 10 s, nearly all of it
     * fixed pauses inside RocketMQ's shutdown; {@link #closeAll} closes several side by side.
     */
    @Override
    public void close() {
        if (closingInBackground) {
            return;
        }
        closeNow();
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        long startNanos = System.nanoTime();
        if (proxy != null) {
            proxy.close();
        }
        if (admin != null) {
            shutdownQuietly("admin client", admin::shutdown);
        }
        int[] ports = stopServers();
        if (!Ports.awaitFree(PORT_WAIT, ports)) {
            LOG.warn("{}ports {} still in use {} s after shutdown", prefix(), Arrays.toString(ports),
                PORT_WAIT.toSeconds());
        }
        if (ownsStoreDir) {
            try {
                StoreDirs.deleteTree(storeDir);
            } catch (IOException e) {
                LOG.warn("{}cannot delete store folder {}: {}", prefix(), storeDir, e.toString());
            }
        }
        LOG.info("{}closed in {} ms", prefix(), Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    /**
     * Closes the clusters side by side, each on a thread of its own: nearly all of a close is RocketMQ's fixed
     * pauses, so n clusters take about as long as one (a parallel stream would not do: on two cores its pool has
     * one thread, and seven clusters closed two at a time took the demo 30 s). Null entries are skipped; returns
     * when every cluster is closed.
     */
    public static void closeAll(EmbeddedCluster... clusters) {
        Map<String, Runnable> closes = new LinkedHashMap<>();
        for (EmbeddedCluster cluster : clusters) {
            if (cluster != null) {
                closes.put("ferry-embedded-close-" + cluster.clusterName, cluster::close);
            }
        }
        sideBySide(closes);
    }

    /** Runs each task on a thread of its own, named by its key, and returns when all are done. */
    private static void sideBySide(Map<String, Runnable> tasks) {
        List<Thread> running = new ArrayList<>();
        tasks.forEach((name, task) -> {
            Thread thread = new Thread(task, name);
            thread.start();
            running.add(thread);
        });
        for (Thread thread : running) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Closes the clusters on background threads and returns at once; {@link #close()} on them then does
     * nothing. For tests: a class's clusters spend their 10 s of RocketMQ's fixed shutdown pauses while the next
     * class runs, instead of before it. Every one of them is stopped before the JVM exits (a shutdown hook waits
     * for them), or earlier with {@link #awaitBackgroundCloses()}. Null entries are skipped.
     */
    public static void closeInBackground(EmbeddedCluster... clusters) {
        for (EmbeddedCluster cluster : clusters) {
            if (cluster == null || cluster.closingInBackground) {
                continue;
            }
            cluster.closingInBackground = true;
            Thread closer = new Thread(cluster::closeNow, "ferry-embedded-close-" + cluster.clusterName);
            synchronized (BACKGROUND_CLOSES) {
                if (BACKGROUND_CLOSES.isEmpty() && !closeHookAdded) {
                    Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedCluster::awaitBackgroundCloses,
                        "ferry-embedded-await-closes"));
                    closeHookAdded = true;
                }
                BACKGROUND_CLOSES.add(closer);
            }
            closer.start();
        }
    }

    /** Waits until every cluster closed in the background is closed. */
    public static void awaitBackgroundCloses() {
        List<Thread> closers;
        synchronized (BACKGROUND_CLOSES) {
            closers = new ArrayList<>(BACKGROUND_CLOSES);
        }
        for (Thread closer : closers) {
            try {
                closer.join(Duration.ofMinutes(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (BACKGROUND_CLOSES) {
                BACKGROUND_CLOSES.remove(closer);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedCluster[" + clusterName + ", namesrv=" + namesrvAddr() + ", brokers="
            + brokers.stream().map(b -> b.name() + "@" + b.address()).toList() + "]";
    }

    private void start(Builder builder) {
        long startNanos = System.nanoTime();
        RocketMqLogging.route();
        // BrokerStartup and NamesrvStartup set this; embedded, nobody does. Without it the NameServer takes
        // the broker's registration for one from an ancient version, misreads it and routes no topic at all.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        // RocketMQ's default, permissive TLS, makes every server build a self-signed certificate (6 s for the
        // first one in a fresh JVM on a small machine). Embedded clusters talk plain text on loopback, unless
        // the JVM was told otherwise.
        if (System.getProperty(TlsSystemConfig.TLS_SERVER_MODE) == null) {
            TlsSystemConfig.tlsMode = TlsMode.DISABLED;
        }

        awaitPortsFree("NameServer", namesrvPort);
        try {
            namesrv = new NamesrvController(namesrvConfig(), serverConfig(namesrvPort), clientConfig());
            if (!namesrv.initialize()) {
                throw new IllegalStateException("initialization failed (see RocketMQ's namesrv.log)");
            }
            namesrv.start();
            // The NameServer's own client points at the host's LAN address, where a loopback-only server does
            // not listen: without this it would log a failed connection every 3 s.
            namesrv.getRemotingClient().updateNameServerAddressList(List.of(namesrvAddr()));
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "NameServer did not start on port " + namesrvPort + ": "
                + describe(e), e);
        }

        brokers.forEach(this::startBroker);
        slaves.forEach(this::startBroker);
        if (builder.delayProxy) {
            List<Integer> brokerPorts = new ArrayList<>();
            brokers.forEach(b -> brokerPorts.add(b.port()));
            slaves.forEach(b -> brokerPorts.add(b.port()));
            proxy = DelayProxy.inFrontOf(clusterName, namesrvPort, brokerPorts);
        }
        LOG.info("{}started in {} ms: namesrv={} brokers={} store={}", prefix(),
            Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), namesrvAddr(),
            brokers.stream().map(b -> b.name() + "@" + b.address()).toList(), storeDir);
    }

    private void startBroker(EmbeddedBroker broker) {
        if (broker.running()) {
            return;
        }
        awaitPortsFree("broker " + broker.name(), broker.ports());
        try {
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "broker " + broker.name() + " did not start on port "
                + broker.port() + ": " + describe(e), e);
        }
        if (!await(REGISTRATION_TIMEOUT, () -> broker.register(namesrv))) {
            throw new IllegalStateException(prefix() + "broker " + broker.name() + " did not register with the"
                + " NameServer within " + REGISTRATION_TIMEOUT.toSeconds() + " s");
        }
    }

    private EmbeddedBroker broker(String brokerName) {
        return brokers.stream().filter(b -> b.name().equals(brokerName)).findFirst().orElseThrow(() ->
            new IllegalArgumentException(prefix() + "no broker named '" + brokerName + "' (brokers: "
                + brokerNames() + ")"));
    }

    private NamesrvConfig namesrvConfig() {
        Path dir = storeDir.resolve("namesrv");
        NamesrvConfig config = new NamesrvConfig();
        // Both default to files under ~/namesrv.
        config.setKvConfigPath(dir.resolve("kvConfig.json").toString());
        config.setConfigStorePath(dir.resolve("namesrv.properties").toString());
        config.setDefaultThreadPoolNums(POOL_THREADS);
        config.setClientRequestThreadPoolNums(POOL_THREADS);
        return config;
    }

    static NettyServerConfig serverConfig(int port) {
        NettyServerConfig config = new NettyServerConfig();
        config.setBindAddress(LOCALHOST);
        config.setListenPort(port);
        config.setServerWorkerThreads(POOL_THREADS);
        config.setServerCallbackExecutorThreads(POOL_THREADS);
        config.setServerSelectorThreads(1);
        return config;
    }

    static NettyClientConfig clientConfig() {
        NettyClientConfig config = new NettyClientConfig();
        config.setClientWorkerThreads(POOL_THREADS);
        config.setClientCallbackExecutorThreads(POOL_THREADS);
        // As BrokerStartup does: a broker whose servers enforce TLS (a JVM started with tls.server.mode=enforcing)
        // reaches its NameServer over TLS too.
        config.setUseTLS(TlsSystemConfig.tlsMode == TlsMode.ENFORCING);
        return config;
    }

    /**
     * Stops the brokers, then the NameServer, whichever were started; returns the ports they had bound. Most
     * of the time goes into fixed pauses inside RocketMQ (3 s in the store, up to 3 s for each remoting
     * server's event thread, 2 s in the pop buffer), so whatever can overlap does: the brokers stop side by side,
     * and the NameServer as soon as every broker has unregistered from it.
     */
    private int[] stopServers() {
        IntStream.Builder ports = IntStream.builder();
        List<EmbeddedBroker> all = new ArrayList<>(slaves);
        all.addAll(brokers);
        CountDownLatch unregistered = new CountDownLatch(all.size());
        Thread namesrvStopper = namesrv == null ? null : new Thread(() -> {
            try {
                // A broker whose shutdown failed before unregistering never counts down: bounded wait.
                unregistered.await(REGISTRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            QuickShutdown.stopEventThreads(namesrv.getRemotingServer(), namesrv.getRemotingClient());
            shutdownQuietly("NameServer", namesrv::shutdown);
        }, "ferry-embedded-stop-" + clusterName);
        if (namesrvStopper != null) {
            namesrvStopper.start();
        }
        // Each on a thread of its own (see closeAll).
        Map<String, Runnable> stops = new LinkedHashMap<>();
        for (EmbeddedBroker broker : all) {
            // A master and its slave share a name: the thread's is made unique by the count so far.
            stops.put("ferry-embedded-stop-" + broker.name() + "-" + stops.size(), () -> shutdownQuietly("broker "
                + broker.name(), () -> broker.stop(unregistered::countDown)));
        }
        sideBySide(stops);
        all.forEach(broker -> IntStream.of(broker.ports()).forEach(ports));
        if (namesrvStopper != null) {
            try {
                namesrvStopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ports.add(namesrvPort);
        }
        return ports.build().toArray();
    }

    /** Closing goes on past a failing part, so that the rest is still stopped. */
    private void shutdownQuietly(String what, Runnable shutdown) {
        try {
            shutdown.run();
        } catch (RuntimeException e) {
            LOG.warn("{}{} did not shut down cleanly: {}", prefix(), what, e.toString(), e);
        }
    }

    private void awaitPortsFree(String server, int... ports) {
        if (!Ports.awaitFree(PORT_WAIT, ports)) {
            throw new IllegalStateException(prefix() + server + " cannot start: port(s) "
                + Arrays.toString(ports) + " still in use after " + PORT_WAIT.toSeconds() + " s");
        }
    }

    private DefaultMQAdminExt admin() throws Exception {
        if (admin == null) {
            DefaultMQAdminExt created = acl == null ? new DefaultMQAdminExt(ADMIN_TIMEOUT_MILLIS)
                : new DefaultMQAdminExt(acl.superUserHook(), ADMIN_TIMEOUT_MILLIS);
            created.setNamesrvAddr(namesrvAddr());
            // A shared client instance would talk to whichever cluster's NameServer it met first.
            created.setInstanceName("ferry-embedded-admin-" + clusterName + "-" + UUID.randomUUID());
            created.setUseTLS(TlsSystemConfig.tlsMode == TlsMode.ENFORCING);
            created.start();
            admin = created;
        }
        return admin;
    }

    private String prefix() {
        return "embedded cluster '" + clusterName + "': ";
    }

    /** The exception's message and, if it wraps others, the innermost cause (the OS's bind error, say). */
    /**
     * The failure and its root cause, for a test's or the demo's error. Not ferry-core's {@code SendFailure.describe}
     * (one line, for status): this module depends on no other Ferry module, since ferry-core tests with it.
     */
    private static String describe(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? message : message + " (caused by " + root + ")";
    }

    private static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store folder " + dir, e);
        }
    }

    /** Settings of an {@link EmbeddedCluster}; {@link #start()} starts it. */
    public static final class Builder {

        private final String clusterName;
        private Path storeRoot;
        private int namesrvPort;
        private int brokerPort;
        private boolean autoCreateTopics = true;
        private int maxMessageSize;
        private int commitLogFileSize = DEFAULT_COMMIT_LOG_FILE_SIZE;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private List<String> brokerNames = List.of();
        private boolean slaves;
        private EmbeddedAcl.SuperUser superUser;
        private boolean delayProxy;
        private String advertisedHost = LOCALHOST;

        private Builder(String clusterName) {
            this.clusterName = StoreDirs.checkClusterName(clusterName);
        }

        /**
         * The folder for the cluster's files; kept on close. By default a fresh folder under
         * {@code target/ferry-embedded/} (or java.io.tmpdir when there is no {@code target} folder), deleted
         * on close.
         */
        public Builder storeRoot(Path storeRoot) {
            this.storeRoot = Objects.requireNonNull(storeRoot, "storeRoot");
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder namesrvPort(int port) {
            this.namesrvPort = checkPort(port, 0);
            return this;
        }

        /**
         * The cluster's master brokers, by name: several, and RocketMQ's default names ({@code broker-a},
         * {@code broker-b}) as production clusters have. Default: one, {@code <cluster>-broker-a}.
         */
        public Builder brokers(String... names) {
            if (names.length == 0 || Arrays.stream(names).distinct().count() != names.length) {
                throw new IllegalArgumentException("embedded cluster '" + clusterName + "': broker names must be"
                    + " given, each once: " + Arrays.toString(names));
            }
            Arrays.stream(names).forEach(StoreDirs::checkClusterName);
            this.brokerNames = List.of(names);
            return this;
        }

        /**
         * A slave for every master broker (same name, broker id 1), replicating from it; the masters' role is
         * {@code ASYNC_MASTER} unless a {@code brokerRole} property says {@code SYNC_MASTER}.
         */
        public Builder withSlaves() {
            this.slaves = true;
            return this;
        }

        /**
         * ACL 2.0 on every broker (authentication and authorization), with {@code superUser} created at first
         * start; see {@link EmbeddedAcl} for the users and rights of the cluster.
         */
        public Builder withAcl(String superUser, String password) {
            this.superUser = new EmbeddedAcl.SuperUser(superUser, password);
            return this;
        }

        /**
         * Puts a {@link DelayProxy} (at 0 ms to begin with) in front of the cluster, so that a test or the benchmark
         * can move it far away while it runs: every server listens on 127.0.0.1 and the brokers advertise
         * 127.0.0.2 (brokerIP1), where the proxy listens on the same ports and forwards to 127.0.0.1. The
         * NameServer hands out the brokers' proxied addresses, so every client reaches the brokers through the
         * proxy; {@link EmbeddedCluster#proxiedNamesrvAddr()} puts its NameServer lookups behind it too. Master
         * and slave replicate directly (brokerIP2).
         */
        public Builder behindDelayProxy() {
            this.delayProxy = true;
            return this;
        }

        /**
         * The host the brokers advertise (brokerIP1) while listening on 127.0.0.1: for a {@link ClusterProcess}
         * whose proxy runs in its parent JVM.
         */
        Builder advertisedHost(String host) {
            this.advertisedHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /** 0 (the default) picks a free port for the (first) broker. It also listens on {@code port - 2}. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port, Ports.FAST_PORT_OFFSET);
            return this;
        }

        /** Whether producers may create topics by sending to them (default true). */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        /** Largest message body the broker accepts, in bytes (default RocketMQ's, 4 MiB). */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = checkPositive("maxMessageSize", bytes);
            return this;
        }

        /** Size of each commit log file, in bytes (default 64 MiB). */
        public Builder commitLogFileSize(int bytes) {
            this.commitLogFileSize = checkPositive("commitLogFileSize", bytes);
            return this;
        }

        /**
         * Any other setting of RocketMQ's BrokerConfig, MessageStoreConfig or the broker's Netty configs, by
         * its broker.properties name; applied after Ferry's defaults, so it overrides them.
         *
         * @throws IllegalArgumentException for an unknown name, a value of the wrong type, or a setting the
         *     cluster owns (names, addresses, ports, folders)
         */
        public Builder brokerProperty(String key, String value) {
            try {
                BrokerProperties.check(key, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("embedded cluster '" + clusterName + "': " + e.getMessage(), e);
            }
            brokerProperties.put(key, value);
            return this;
        }

        /** Starts the NameServer and the broker; returns once the broker is registered. */
        public EmbeddedCluster start() {
            EmbeddedCluster cluster = new EmbeddedCluster(this);
            try {
                cluster.start(this);
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }

        private int checkPort(int port, int reservedBelow) {
            if (port != 0 && (port <= reservedBelow || port > 65_535)) {
                throw new IllegalArgumentException("embedded cluster '" + clusterName + "': invalid port " + port);
            }
            return port;
        }

        private int checkPositive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("embedded cluster '" + clusterName + "': " + what
                    + " must be positive, not " + value);
            }
            return value;
        }
    }
}
