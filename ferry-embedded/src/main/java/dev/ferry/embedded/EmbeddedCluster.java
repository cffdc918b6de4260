package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
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
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.rocksdb.MessageRocksDBStorage;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocketMQ cluster of one NameServer and one broker, running inside this JVM.
 *
 * <p>Both servers listen on 127.0.0.1 only. Several clusters can run side by side; each has its own
 * ports and store folder. Clients talking to more than one cluster from the same JVM must give each client
 * its own {@code instanceName}, or RocketMQ shares one client instance and the first NameServer wins.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder("source").start()) {
 *     cluster.createTopic("orders", 8);
 *     producer.setNamesrvAddr(cluster.namesrvAddr());
 * }
 * }</pre>
 */
public final class EmbeddedCluster implements AutoCloseable {

    /** RocketMQ's default is 1 GiB per commit log file; tests and demos need far less. */
    static final int DEFAULT_COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;
    static final String LOCALHOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

    /** 30,000 entries of 20 bytes per consume queue file instead of 300,000. */
    private static final int CONSUME_QUEUE_FILE_SIZE = 600_000;
    /** The timer (scheduled message) log: 100 MiB per file by default. */
    private static final int TIMER_LOG_FILE_SIZE = 4 * 1024 * 1024;
    /** The message key index: the default file maps about 420 MB; this one about 4 MB. */
    private static final int INDEX_HASH_SLOTS = 50_000;
    private static final int INDEX_ENTRIES = 200_000;
    /** RocketMQ sizes its pools for a dedicated many-core host (up to 32 threads each). */
    private static final int POOL_THREADS = 2;

    /** Long enough for a killed process's ports to be released before a restart binds them again. */
    private static final Duration PORT_WAIT = Duration.ofSeconds(15);
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);
    private static final long ADMIN_TIMEOUT_MILLIS = 10_000;
    private static final String USER_HOME = "user.home";
    private static final Object USER_HOME_LOCK = new Object();

    private final String clusterName;
    private final String brokerName;
    private final Path storeDir;
    private final boolean ownsStoreDir;
    private final int namesrvPort;
    private final int brokerPort;

    private NamesrvController namesrv;
    private BrokerController broker;
    private DefaultMQAdminExt admin;
    private boolean closed;
    private volatile boolean closingInBackground;
    private static final List<Thread> BACKGROUND_CLOSES = new ArrayList<>();
    private static boolean closeHookAdded;

    private EmbeddedCluster(Builder builder) {
        this.clusterName = builder.clusterName;
        this.brokerName = brokerNameOf(clusterName);
        this.ownsStoreDir = builder.storeRoot == null;
        this.storeDir = ownsStoreDir ? StoreDirs.createFresh(clusterName) : createDirectories(builder.storeRoot);
        this.namesrvPort = builder.namesrvPort != 0 ? builder.namesrvPort : Ports.pickNamesrvPort();
        this.brokerPort = builder.brokerPort != 0 ? builder.brokerPort : Ports.pickBrokerPort();
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

    /** {@code 127.0.0.1:port} of the broker. */
    public String brokerAddr() {
        return LOCALHOST + ":" + brokerPort;
    }

    public String brokerName() {
        return brokerName;
    }

    public String clusterName() {
        return clusterName;
    }

    /** The folder holding the NameServer's and the broker's files. */
    public Path storeDir() {
        return storeDir;
    }

    /**
     * Creates (or updates) a topic on the broker with {@code queueCount} read and write queues, and waits
     * until the NameServer serves its route, so clients can use it right away.
     */
    public synchronized void createTopic(String topic, int queueCount) {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
        if (queueCount < 1) {
            throw new IllegalArgumentException(prefix() + "topic '" + topic + "' needs at least 1 queue, not "
                + queueCount);
        }
        try {
            admin().createAndUpdateTopicConfig(brokerAddr(), new TopicConfig(topic, queueCount, queueCount));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix() + "interrupted while creating topic '" + topic + "'", e);
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot create topic '" + topic + "': " + describe(e), e);
        }
        if (!await(ROUTE_TIMEOUT, () -> routed(topic, queueCount))) {
            throw new IllegalStateException(prefix() + "topic '" + topic + "' was created but its route did not"
                + " reach the NameServer within " + ROUTE_TIMEOUT.toSeconds() + " s");
        }
    }

    /**
     * How many messages the broker holds in {@code topic}: the sum of its queues' max offsets, read from the
     * store (0 for a topic it does not have). Exact and cheap, for counting what arrived and that nothing
     * more arrives.
     */
    public synchronized long messageCount(String topic) {
        if (closed) {
            throw new IllegalStateException(prefix() + "closed");
        }
        TopicConfig config = broker.getTopicConfigManager().selectTopicConfig(topic);
        if (config == null) {
            return 0;
        }
        long count = 0;
        try {
            for (int queue = 0; queue < config.getWriteQueueNums(); queue++) {
                count += broker.getMessageStore().getMaxOffsetInQueue(topic, queue);
            }
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "cannot read the offsets of topic '" + topic + "': "
                + describe(e), e);
        }
        return count;
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
     * Closes the clusters side by side: nearly all of a close is RocketMQ's fixed pauses, so n clusters take
     * about as long as one. Null entries are skipped; returns when every cluster is closed.
     */
    public static void closeAll(EmbeddedCluster... clusters) {
        Arrays.stream(clusters).filter(Objects::nonNull).parallel().forEach(EmbeddedCluster::close);
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
        return "EmbeddedCluster[" + clusterName + ", namesrv=" + namesrvAddr() + ", broker=" + brokerAddr() + "]";
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

        awaitPortsFree("broker", Ports.brokerPorts(brokerPort));
        try {
            broker = newBroker(builder);
            initializeBroker();
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException(prefix() + "broker did not start on port " + brokerPort + ": "
                + describe(e), e);
        }
        if (!await(REGISTRATION_TIMEOUT, this::registerBroker)) {
            throw new IllegalStateException(prefix() + "broker did not register with the NameServer within "
                + REGISTRATION_TIMEOUT.toSeconds() + " s");
        }
        LOG.info("{}started in {} ms: namesrv={} broker={} ({}) store={}", prefix(),
            Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), namesrvAddr(), brokerAddr(), brokerName,
            storeDir);
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

    private BrokerController newBroker(Builder builder) {
        Path dir = storeDir.resolve("broker");

        BrokerConfig brokerConfig = new BrokerConfig();
        brokerConfig.setBrokerClusterName(clusterName);
        brokerConfig.setBrokerName(brokerName);
        brokerConfig.setBrokerIP1(LOCALHOST);
        brokerConfig.setBrokerIP2(LOCALHOST);
        brokerConfig.setNamesrvAddr(namesrvAddr());
        // Without it the broker keeps a process-wide default path under ~/store.
        brokerConfig.setBrokerConfigPath(dir.resolve("config").resolve("broker.properties").toString());
        brokerConfig.setAutoCreateTopicEnable(builder.autoCreateTopics);
        // SQL-92 subscriptions (MessageSelector.bySql) are refused unless this is on.
        brokerConfig.setEnablePropertyFilter(true);
        brokerConfig.setPullMessageThreadPoolNums(POOL_THREADS * 2);
        brokerConfig.setLitePullMessageThreadPoolNums(POOL_THREADS);
        brokerConfig.setAckMessageThreadPoolNums(POOL_THREADS);
        brokerConfig.setProcessReplyMessageThreadPoolNums(POOL_THREADS);
        brokerConfig.setQueryMessageThreadPoolNums(POOL_THREADS);
        brokerConfig.setAdminBrokerThreadPoolNums(POOL_THREADS);
        brokerConfig.setClientManageThreadPoolNums(POOL_THREADS);
        brokerConfig.setConsumerManageThreadPoolNums(POOL_THREADS);
        brokerConfig.setLoadBalanceProcessorThreadPoolNums(POOL_THREADS);
        brokerConfig.setRecoverThreadPoolNums(POOL_THREADS);
        brokerConfig.setEndTransactionThreadPoolNums(POOL_THREADS);

        MessageStoreConfig storeConfig = new MessageStoreConfig();
        storeConfig.setStorePathRootDir(dir.toString());
        storeConfig.setMappedFileSizeCommitLog(builder.commitLogFileSize);
        storeConfig.setMappedFileSizeConsumeQueue(CONSUME_QUEUE_FILE_SIZE);
        storeConfig.setMappedFileSizeTimerLog(TIMER_LOG_FILE_SIZE);
        storeConfig.setMaxHashSlotNum(INDEX_HASH_SLOTS);
        storeConfig.setMaxIndexNum(INDEX_ENTRIES);
        storeConfig.setTimerGetMessageThreadNum(1);
        storeConfig.setTimerPutMessageThreadNum(1);
        // 0 = any free port; the default 10912 would make every broker on the host collide.
        storeConfig.setHaListenPort(0);
        if (builder.maxMessageSize > 0) {
            storeConfig.setMaxMessageSize(builder.maxMessageSize);
        }

        NettyServerConfig serverConfig = serverConfig(brokerPort);
        NettyClientConfig clientConfig = clientConfig();
        BrokerProperties.apply(builder.brokerProperties, brokerConfig, storeConfig, serverConfig, clientConfig);

        // As BrokerStartup does: keeps ACL metadata in the store and apart from other brokers in this JVM.
        AuthConfig authConfig = new AuthConfig();
        authConfig.setConfigName(brokerName);
        authConfig.setClusterName(clusterName);
        authConfig.setAuthConfigPath(dir.resolve("config").toString());

        return new BrokerController(brokerConfig, serverConfig, clientConfig, storeConfig, authConfig);
    }

    /**
     * BrokerController.initialize(), step by step: the 5.5.0 store always opens a RocksDB, whose info log
     * goes to {@code ${user.home}/logs/rocketmqlogs}, read when the store is created. For that moment only,
     * user.home points at the store folder (under a lock, so that clusters starting together do not mix up
     * the real value).
     */
    private void initializeBroker() {
        String failure = "initialization failed (see RocketMQ's broker.log and store.log)";
        if (!broker.initializeMetadata()) {
            throw new IllegalStateException(failure);
        }
        boolean storeCreated;
        synchronized (USER_HOME_LOCK) {
            String userHome = System.getProperty(USER_HOME);
            System.setProperty(USER_HOME, storeDir.toString());
            try {
                storeCreated = broker.initializeMessageStore();
            } finally {
                System.setProperty(USER_HOME, userHome);
            }
        }
        try {
            if (!storeCreated || !broker.recoverAndInitService()) {
                throw new IllegalStateException(failure);
            }
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(failure, e);
        }
    }

    private static NettyServerConfig serverConfig(int port) {
        NettyServerConfig config = new NettyServerConfig();
        config.setBindAddress(LOCALHOST);
        config.setListenPort(port);
        config.setServerWorkerThreads(POOL_THREADS);
        config.setServerCallbackExecutorThreads(POOL_THREADS);
        config.setServerSelectorThreads(1);
        return config;
    }

    private static NettyClientConfig clientConfig() {
        NettyClientConfig config = new NettyClientConfig();
        config.setClientWorkerThreads(POOL_THREADS);
        config.setClientCallbackExecutorThreads(POOL_THREADS);
        return config;
    }

    /**
     * Stops the broker, then the NameServer, whichever were started; returns the ports they had bound. Most
     * of the time goes into fixed pauses inside RocketMQ (3 s in the store, up to 3 s for each remoting
     * server's event thread, 2 s in the pop buffer), so whatever can overlap does.
     */
    private int[] stopServers() {
        IntStream.Builder ports = IntStream.builder();
        Thread namesrvStopper = namesrv == null ? null
            : new Thread(() -> shutdownQuietly("NameServer", namesrv::shutdown), "ferry-embedded-stop-" + clusterName);
        if (broker != null) {
            if (namesrvStopper != null) {
                // Called right after the broker has unregistered from the NameServer, which the rest of the
                // broker's shutdown no longer needs.
                broker.setShutdownHook(controller -> namesrvStopper.start());
            }
            // A pop revive thread in the middle of a scan notices shutdown only after up to 4 s of polling an
            // empty queue; switched off first (as on a slave) it stops within 100 ms.
            broker.getAckMessageProcessor().setPopReviveServiceStatus(false);
            shutdownQuietly("broker", broker::shutdown);
            shutdownQuietly("RocksDB scheduler", this::stopRocksDbScheduler);
            IntStream.of(Ports.brokerPorts(brokerPort)).forEach(ports);
        }
        if (namesrvStopper != null) {
            if (namesrvStopper.getState() == Thread.State.NEW) {
                namesrvStopper.start();
            }
            try {
                namesrvStopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ports.add(namesrvPort);
        }
        return ports.build().toArray();
    }

    /**
     * RocketMQ 5.5's MessageRocksDBStorage starts a scheduler that the broker's shutdown never stops: a
     * non-daemon thread that would keep a JVM alive after every cluster in it closed.
     */
    private void stopRocksDbScheduler() {
        if (!(broker.getMessageStore() instanceof DefaultMessageStore store) || store.getMessageRocksDBStorage() == null) {
            return;
        }
        try {
            Field scheduler = MessageRocksDBStorage.class.getDeclaredField("scheduler");
            scheduler.setAccessible(true);
            ((ExecutorService) scheduler.get(store.getMessageRocksDBStorage())).shutdownNow();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach MessageRocksDBStorage.scheduler: " + e, e);
        }
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

    /**
     * Whether the broker is registered, nudging it if not. BrokerController.start() registers only with the
     * NameServers its client has already found reachable, which a background check finds out every 3 s; when
     * the broker starts quickly that list is still empty, and its next attempt would come 10 s later.
     */
    private boolean registerBroker() {
        if (brokerRegistered()) {
            return true;
        }
        broker.registerBrokerAll(true, false, true);
        return brokerRegistered();
    }

    private boolean brokerRegistered() {
        BrokerData data = namesrv.getRouteInfoManager().getAllClusterInfo().getBrokerAddrTable().get(brokerName);
        return data != null && brokerAddr().equals(data.getBrokerAddrs().get(MixAll.MASTER_ID));
    }

    private boolean routed(String topic, int queueCount) {
        TopicRouteData route = namesrv.getRouteInfoManager().pickupTopicRouteData(topic);
        return route != null && route.getQueueDatas().stream().anyMatch(q -> q.getBrokerName().equals(brokerName)
            && q.getReadQueueNums() == queueCount && q.getWriteQueueNums() == queueCount);
    }

    private DefaultMQAdminExt admin() throws Exception {
        if (admin == null) {
            DefaultMQAdminExt created = new DefaultMQAdminExt(ADMIN_TIMEOUT_MILLIS);
            created.setNamesrvAddr(namesrvAddr());
            // A shared client instance would talk to whichever cluster's NameServer it met first.
            created.setInstanceName("ferry-embedded-admin-" + clusterName + "-" + UUID.randomUUID());
            created.start();
            admin = created;
        }
        return admin;
    }

    private String prefix() {
        return "embedded cluster '" + clusterName + "': ";
    }

    /** The exception's message and, if it wraps others, the innermost cause (the OS's bind error, say). */
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

        /** 0 (the default) picks a free port. The broker also listens on {@code port - 2}. */
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
