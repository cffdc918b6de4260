package dev.ferry.embedded;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.rocksdb.MessageRocksDBStorage;

/**
 * One broker of an {@link EmbeddedCluster}, a master or its slave: its settings, its store folder and its port,
 * which stay the same across a stop and a start, so that a broker can go down and come back with what it held.
 * A master listens for its slave on an HA port of its own, the same across restarts; its slave is pointed at it
 * (a slave that had to learn it from the NameServer would wait up to 30 s, a registration period, to connect).
 */
final class EmbeddedBroker {

    private static final AtomicLong START_SEQUENCE = new AtomicLong();
    /** Queues looked for in a store whose topic config does not say how many there are. */
    private static final int MAX_PROBED_QUEUES = 256;

    /** 30,000 entries of 20 bytes per consume queue file instead of 300,000. */
    private static final int CONSUME_QUEUE_FILE_SIZE = 600_000;
    /** The timer (scheduled message) log: 100 MiB per file by default. */
    private static final int TIMER_LOG_FILE_SIZE = 4 * 1024 * 1024;
    /** The message key index: the default file maps about 420 MB; this one about 4 MB. */
    private static final int INDEX_HASH_SLOTS = 50_000;
    private static final int INDEX_ENTRIES = 200_000;
    private static final String USER_HOME = "user.home";
    /** Held while a broker initializes: see {@link #initialize}. */
    private static final Object INITIALIZING = new Object();

    /**
     * What every broker of a cluster shares.
     *
     * @param advertisedHost the host the broker gives the NameServer as its address (brokerIP1), which clients
     *                       then connect to: {@link EmbeddedCluster#LOCALHOST}, where it listens, or the address
     *                       of a {@link DelayProxy} in front of it
     */
    record Settings(String clusterName, String namesrvAddr, boolean autoCreateTopics, int maxMessageSize,
                    int commitLogFileSize, Map<String, String> brokerProperties, EmbeddedAcl.SuperUser acl,
                    String advertisedHost) {
    }

    private final Settings settings;
    private final String name;
    private final Path dir;
    private final int port;
    private final long brokerId;
    /** A master's HA port; for a slave, its master's. */
    private final int haPort;
    private BrokerController controller;

    /**
     * @param brokerId {@link MixAll#MASTER_ID} for a master, 1 for its slave
     * @param haPort   the port a master listens on for its slave; for a slave, its master's
     */
    EmbeddedBroker(Settings settings, String name, Path dir, int port, long brokerId, int haPort) {
        this.settings = settings;
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.brokerId = brokerId;
        this.haPort = haPort;
    }

    int haPort() {
        return haPort;
    }

    /** The ports it binds, to be free before it starts: its own, and a master's HA port. */
    int[] ports() {
        int[] broker = Ports.brokerPorts(port);
        return slave() ? broker : new int[] {broker[0], broker[1], haPort};
    }

    boolean slave() {
        return brokerId != MixAll.MASTER_ID;
    }

    String name() {
        return name;
    }

    /** Where it listens: {@code 127.0.0.1:port}. */
    String address() {
        return EmbeddedCluster.LOCALHOST + ":" + port;
    }

    /** Where the NameServer sends clients: its {@link #address()}, or a proxy's in front of it. */
    String advertisedAddress() {
        return settings.advertisedHost() + ":" + port;
    }

    Path storeDir() {
        return dir;
    }

    int port() {
        return port;
    }

    boolean running() {
        return controller != null;
    }

    BrokerController controller() {
        if (controller == null) {
            throw new IllegalStateException("broker " + name + " is stopped");
        }
        return controller;
    }

    /** Creates, initializes and starts the broker on its port and store. */
    void start() throws Exception {
        BrokerController created = newController();
        initialize(created);
        created.start();
        if (slave()) {
            // What the broker itself does when a registration names its master's HA address: 5.5 reads no
            // haMasterAddress from the store config at start.
            created.getMessageStore().updateHaMasterAddress(EmbeddedCluster.LOCALHOST + ":" + haPort);
        }
        controller = created;
    }

    /**
     * Stops the broker; {@code afterUnregistering} runs once it has left the NameServer (the rest of its shutdown
     * no longer needs one). Does nothing when it is stopped already.
     */
    void stop(Runnable afterUnregistering) {
        if (controller == null) {
            afterUnregistering.run();
            return;
        }
        BrokerController stopping = controller;
        controller = null;
        stopping.setShutdownHook(ignored -> afterUnregistering.run());
        // A pop revive thread in the middle of a scan notices shutdown only after up to 4 s of polling an
        // empty queue; switched off first (as on a slave) it stops within 100 ms.
        stopping.getAckMessageProcessor().setPopReviveServiceStatus(false);
        QuickShutdown.stopEventThreads(stopping.getRemotingServer(), stopping.getFastRemotingServer(),
            stopping.getBrokerOuterAPI() == null ? null : stopping.getBrokerOuterAPI().getRemotingClient());
        try {
            stopping.shutdown();
        } finally {
            stopRocksDbScheduler(stopping);
        }
    }

    /**
     * Whether the NameServer knows this broker, nudging it if not. BrokerController.start() registers only with
     * the NameServers its client has already found reachable, which a background check finds out every 3 s;
     * when the broker starts quickly that list is still empty, and its next attempt would come 10 s later.
     */
    boolean register(NamesrvController namesrv) {
        if (registered(namesrv)) {
            return true;
        }
        controller().registerBrokerAll(true, false, true);
        return registered(namesrv);
    }

    private boolean registered(NamesrvController namesrv) {
        BrokerData data = namesrv.getRouteInfoManager().getAllClusterInfo().getBrokerAddrTable().get(name);
        return data != null && advertisedAddress().equals(data.getBrokerAddrs().get(brokerId));
    }

    /**
     * For a running slave: takes its master's topics, groups and offsets now, as it does by itself once a minute
     * (a topic just created on the master is otherwise unknown to its slave for up to that long, and a slave read
     * of it is refused).
     */
    void syncMetadataFrom(EmbeddedBroker master) {
        controller().getSlaveSynchronize().setMasterAddr(master.address());
        controller().getSlaveSynchronize().syncAll();
    }

    /** Whether the NameServer routes {@code topic} to this broker with {@code queueCount} queues. */
    boolean routes(NamesrvController namesrv, String topic, int queueCount) {
        TopicRouteData route = namesrv.getRouteInfoManager().pickupTopicRouteData(topic);
        return route != null && route.getQueueDatas().stream().anyMatch(q -> q.getBrokerName().equals(name)
            && q.getReadQueueNums() == queueCount && q.getWriteQueueNums() == queueCount);
    }

    /**
     * The sum of the topic's queues' max offsets in this broker's store; 0 for a topic it does not have. Counted
     * from the consume queues the store has built, not from the topic's config: a slave builds them as it
     * replicates, but learns the topic's config from its master only every 10 s, once the NameServer has told
     * it where its master is.
     */
    long messageCount(String topic) throws Exception {
        TopicConfig config = controller().getTopicConfigManager().selectTopicConfig(topic);
        int queues = Math.max(config == null ? 0 : config.getReadQueueNums(), MAX_PROBED_QUEUES);
        long count = 0;
        for (int queue = 0; queue < queues; queue++) {
            if (controller().getMessageStore().getConsumeQueue(topic, queue) != null) {
                count += controller().getMessageStore().getMaxOffsetInQueue(topic, queue);
            }
        }
        return count;
    }

    private BrokerController newController() {
        BrokerConfig brokerConfig = new BrokerConfig();
        brokerConfig.setBrokerClusterName(settings.clusterName());
        brokerConfig.setBrokerName(name);
        brokerConfig.setBrokerId(brokerId);
        // Clients connect to brokerIP1, which may be a proxy's address; the server binds 127.0.0.1 whatever it says.
        // A slave replicates from brokerIP2, always the master's own address.
        brokerConfig.setBrokerIP1(settings.advertisedHost());
        brokerConfig.setBrokerIP2(EmbeddedCluster.LOCALHOST);
        brokerConfig.setNamesrvAddr(settings.namesrvAddr());
        // Without it the broker keeps a process-wide default path under ~/store.
        brokerConfig.setBrokerConfigPath(dir.resolve("config").resolve("broker.properties").toString());
        brokerConfig.setAutoCreateTopicEnable(settings.autoCreateTopics());
        // SQL-92 subscriptions (MessageSelector.bySql) are refused unless this is on.
        brokerConfig.setEnablePropertyFilter(true);
        int threads = EmbeddedCluster.POOL_THREADS;
        brokerConfig.setPullMessageThreadPoolNums(threads * 2);
        brokerConfig.setLitePullMessageThreadPoolNums(threads);
        brokerConfig.setAckMessageThreadPoolNums(threads);
        brokerConfig.setProcessReplyMessageThreadPoolNums(threads);
        brokerConfig.setQueryMessageThreadPoolNums(threads);
        brokerConfig.setAdminBrokerThreadPoolNums(threads);
        brokerConfig.setClientManageThreadPoolNums(threads);
        brokerConfig.setConsumerManageThreadPoolNums(threads);
        brokerConfig.setLoadBalanceProcessorThreadPoolNums(threads);
        brokerConfig.setRecoverThreadPoolNums(threads);
        brokerConfig.setEndTransactionThreadPoolNums(threads);

        MessageStoreConfig storeConfig = new MessageStoreConfig();
        storeConfig.setStorePathRootDir(dir.toString());
        storeConfig.setMappedFileSizeCommitLog(settings.commitLogFileSize());
        storeConfig.setMappedFileSizeConsumeQueue(CONSUME_QUEUE_FILE_SIZE);
        storeConfig.setMappedFileSizeTimerLog(TIMER_LOG_FILE_SIZE);
        storeConfig.setMaxHashSlotNum(INDEX_HASH_SLOTS);
        storeConfig.setMaxIndexNum(INDEX_ENTRIES);
        storeConfig.setTimerGetMessageThreadNum(1);
        storeConfig.setTimerPutMessageThreadNum(1);
        // The default 10912 would make every broker on the host collide; a slave listens on none it needs.
        storeConfig.setHaListenPort(slave() ? 0 : haPort);
        if (settings.maxMessageSize() > 0) {
            storeConfig.setMaxMessageSize(settings.maxMessageSize());
        }

        NettyServerConfig serverConfig = EmbeddedCluster.serverConfig(port);
        NettyClientConfig clientConfig = EmbeddedCluster.clientConfig();
        BrokerProperties.apply(settings.brokerProperties(), brokerConfig, storeConfig, serverConfig, clientConfig);
        if (slave()) {
            // After the cluster's properties: a brokerRole given for the masters (SYNC_MASTER) is not the slave's.
            storeConfig.setBrokerRole(BrokerRole.SLAVE);
        }

        // As BrokerStartup does: keeps ACL metadata in the store. RocketMQ caches ACL providers per config name
        // for the life of the JVM: a name of this start's own keeps clusters with the same broker names, and a
        // restarted broker, from sharing one (with a store already closed).
        AuthConfig authConfig = new AuthConfig();
        authConfig.setConfigName(name + "@" + dir + "#" + START_SEQUENCE.incrementAndGet());
        authConfig.setClusterName(settings.clusterName());
        authConfig.setAuthConfigPath(dir.resolve("config").toString());
        if (settings.acl() != null) {
            settings.acl().enableOn(authConfig);
        }

        return new BrokerController(brokerConfig, serverConfig, clientConfig, storeConfig, authConfig);
    }

    /**
     * BrokerController.initialize(), step by step, one broker of the JVM at a time (brokers of two clusters start at
     * once when two test classes run together). Two steps are not safe to run side by side: the 5.5.0 store always
     * opens a RocksDB, whose info log goes to {@code ${user.home}/logs/rocketmqlogs}, read when the store is created,
     * so for that moment user.home points at the broker's folder; and registering the request processors scans
     * the class path into a JVM-wide registry ({@code RequestHeaderRegistry}), whose scan of a jar fails with "zip
     * file closed" when another broker's scan closes it.
     */
    private void initialize(BrokerController created) throws Exception {
        String failure = "initialization failed (see RocketMQ's broker.log and store.log)";
        synchronized (INITIALIZING) {
            if (!created.initializeMetadata()) {
                throw new IllegalStateException(failure);
            }
            boolean storeCreated;
            String userHome = System.getProperty(USER_HOME);
            System.setProperty(USER_HOME, dir.toString());
            try {
                storeCreated = created.initializeMessageStore();
            } finally {
                System.setProperty(USER_HOME, userHome);
            }
            if (!storeCreated || !created.recoverAndInitService()) {
                throw new IllegalStateException(failure);
            }
        }
    }

    /**
     * RocketMQ 5.5's MessageRocksDBStorage starts a scheduler that the broker's shutdown never stops: a
     * non-daemon thread that would keep a JVM alive after every cluster in it closed.
     */
    private static void stopRocksDbScheduler(BrokerController stopped) {
        if (!(stopped.getMessageStore() instanceof DefaultMessageStore store)
            || store.getMessageRocksDBStorage() == null) {
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
}
