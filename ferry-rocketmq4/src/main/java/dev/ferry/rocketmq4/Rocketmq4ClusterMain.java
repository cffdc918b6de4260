package dev.ferry.rocketmq4;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * An Apache RocketMQ 4.9.x NameServer and master brokers as the whole of a JVM, compiled against 4.9.x and run on
 * this module's class path by ferry-embedded's {@code Rocketmq4Cluster}.
 *
 * <p>Prints {@value #READY} with the addresses once every broker is registered (or {@value #FAILED} and exits 1),
 * stops the servers on SIGTERM, and exits when its stdin closes: the parent holds the other end, so a parent that
 * dies, however it dies, leaves no cluster behind.
 *
 * <pre>
 * --cluster NAME --store-dir DIR --namesrv-port PORT --broker NAME:PORT:HAPORT [--broker NAME:PORT:HAPORT]...
 * </pre>
 *
 * Each broker also listens on PORT - 2 (its "fast" port). 4.9.x's servers cannot be told an address to bind: they
 * listen on every address of the host. They advertise 127.0.0.1, and {@link #LOOPBACK_ONLY} refuses every request
 * from another host.
 */
public final class Rocketmq4ClusterMain {

    static final String READY = "FERRY-ROCKETMQ4 READY";
    static final String FAILED = "FERRY-ROCKETMQ4 FAILED";

    private static final String LOCALHOST = "127.0.0.1";
    private static final long REGISTRATION_TIMEOUT_MILLIS = 60_000;
    /** RocketMQ sizes its pools for a dedicated many-core host. */
    private static final int POOL_THREADS = 2;

    /**
     * Printed, with the request code and the server, for every request a server answers "request code not supported":
     * what a newer client asked that 4.9.x does not know ({@code Rocketmq4Cluster.unsupportedRequests()}).
     */
    static final String NOT_SUPPORTED = "FERRY-ROCKETMQ4 NOT-SUPPORTED";

    /**
     * Refuses a request from anywhere but this host (the server answers it with an error), and reports each request
     * the server does not know.
     */
    private static final RPCHook LOOPBACK_ONLY = new RPCHook() {
        @Override
        public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
            if (remoteAddr != null && !remoteAddr.startsWith("127.") && !remoteAddr.startsWith("/127.")) {
                throw new IllegalStateException("only loopback clients are served, not " + remoteAddr);
            }
        }

        @Override
        public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
            if (response != null && response.getCode() == RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED) {
                System.out.println(NOT_SUPPORTED + " code=" + request.getCode() + " remark=" + response.getRemark());
            }
        }
    };

    private Rocketmq4ClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(FAILED + " " + e.getMessage());
            System.exit(2);
            return;
        }
        // As NamesrvStartup and BrokerStartup do: without it the NameServer misreads every registration.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));

        List<BrokerController> brokers = new CopyOnWriteArrayList<>();
        List<NamesrvController> namesrvs = new CopyOnWriteArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(brokers, namesrvs), "rocketmq4-shutdown"));
        StringBuilder ready = new StringBuilder(READY);
        try {
            NamesrvController namesrv = startNamesrv(arguments);
            namesrvs.add(namesrv);
            String namesrvAddr = LOCALHOST + ":" + arguments.namesrvPort;
            ready.append(" namesrv=").append(namesrvAddr);
            for (String[] broker : arguments.brokers) {
                BrokerController controller = startBroker(arguments, namesrvAddr, broker[0],
                    Integer.parseInt(broker[1]), Integer.parseInt(broker[2]));
                brokers.add(controller);
                awaitRegistered(namesrv, broker[0]);
                ready.append(' ').append(broker[0]).append('=').append(LOCALHOST).append(':').append(broker[1]);
            }
        } catch (Exception e) {
            System.out.println(FAILED + " " + e);
            e.printStackTrace(System.out);
            System.exit(1);
            return;
        }
        System.out.println(ready);
        System.out.flush();
        exitWhenStdinCloses(System.in);
    }

    private static NamesrvController startNamesrv(Arguments arguments) throws Exception {
        Path dir = arguments.storeDir.resolve("namesrv");
        NamesrvConfig config = new NamesrvConfig();
        config.setKvConfigPath(dir.resolve("kvConfig.json").toString());
        config.setConfigStorePath(dir.resolve("namesrv.properties").toString());
        NamesrvController namesrv = new NamesrvController(config, serverConfig(arguments.namesrvPort));
        if (!namesrv.initialize()) {
            throw new IllegalStateException("the NameServer did not initialize");
        }
        namesrv.getRemotingServer().registerRPCHook(LOOPBACK_ONLY);
        namesrv.start();
        return namesrv;
    }

    private static BrokerController startBroker(Arguments arguments, String namesrvAddr, String name, int port,
                                                int haPort) throws Exception {
        Path dir = arguments.storeDir.resolve("broker-" + name);
        BrokerConfig broker = new BrokerConfig();
        broker.setBrokerClusterName(arguments.cluster);
        broker.setBrokerName(name);
        broker.setBrokerId(MixAll.MASTER_ID);
        broker.setNamesrvAddr(namesrvAddr);
        broker.setBrokerIP1(LOCALHOST);
        broker.setBrokerIP2(LOCALHOST);
        broker.setRocketmqHome(arguments.storeDir.toString());
        broker.setAutoCreateTopicEnable(false);
        broker.setEnablePropertyFilter(true);
        broker.setSendMessageThreadPoolNums(POOL_THREADS);
        broker.setPullMessageThreadPoolNums(POOL_THREADS);
        broker.setProcessReplyMessageThreadPoolNums(POOL_THREADS);
        broker.setQueryMessageThreadPoolNums(POOL_THREADS);
        broker.setAdminBrokerThreadPoolNums(POOL_THREADS);
        broker.setClientManageThreadPoolNums(POOL_THREADS);
        broker.setConsumerManageThreadPoolNums(POOL_THREADS);
        broker.setHeartbeatThreadPoolNums(1);
        broker.setEndTransactionThreadPoolNums(POOL_THREADS);

        MessageStoreConfig store = new MessageStoreConfig();
        store.setStorePathRootDir(dir.toString());
        store.setStorePathCommitLog(dir.resolve("commitlog").toString());
        store.setMappedFileSizeCommitLog(64 * 1024 * 1024);
        store.setMappedFileSizeConsumeQueue(600_000);
        store.setMaxHashSlotNum(50_000);
        store.setMaxIndexNum(200_000);
        store.setHaListenPort(haPort);
        // A test machine's disk may be well used already; the default (75%) would make the broker refuse writes.
        store.setDiskMaxUsedSpaceRatio(95);

        NettyClientConfig client = new NettyClientConfig();
        client.setClientWorkerThreads(POOL_THREADS);
        client.setClientCallbackExecutorThreads(POOL_THREADS);
        BrokerController controller = new BrokerController(broker, serverConfig(port), client, store);
        if (!controller.initialize()) {
            throw new IllegalStateException("broker " + name + " did not initialize");
        }
        controller.registerServerRPCHook(LOOPBACK_ONLY);
        controller.start();
        return controller;
    }

    private static NettyServerConfig serverConfig(int port) {
        NettyServerConfig config = new NettyServerConfig();
        config.setListenPort(port);
        config.setServerWorkerThreads(POOL_THREADS);
        config.setServerCallbackExecutorThreads(POOL_THREADS);
        config.setServerSelectorThreads(1);
        return config;
    }

    /**
     * Waits until the NameServer routes the broker's own topic (named as the broker): the broker is registered.
     * BrokerController.start() registers once at once, then every 30 s; a missed first one is nudged.
     */
    private static void awaitRegistered(NamesrvController namesrv, String brokerName) throws InterruptedException {
        long deadline = System.currentTimeMillis() + REGISTRATION_TIMEOUT_MILLIS;
        while (namesrv.getRouteInfoManager().pickupTopicRouteData(brokerName) == null) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("broker " + brokerName + " did not register with the NameServer"
                    + " within " + REGISTRATION_TIMEOUT_MILLIS / 1000 + " s");
            }
            Thread.sleep(50);
        }
    }

    /** The brokers first, then the NameServer they unregister from. */
    private static void stopAll(List<BrokerController> brokers, List<NamesrvController> namesrvs) {
        for (BrokerController broker : brokers) {
            try {
                broker.shutdown();
            } catch (RuntimeException e) {
                System.out.println("broker did not shut down cleanly: " + e);
            }
        }
        namesrvs.forEach(NamesrvController::shutdown);
    }

    private static void exitWhenStdinCloses(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // nothing is sent; the pipe only tells that the parent is alive
            }
        } catch (IOException e) {
            // the same as closed
        }
        System.out.println("stdin closed: the parent is gone; stopping");
        System.exit(0);
    }

    /** The command line, checked. */
    static final class Arguments {
        String cluster;
        Path storeDir;
        int namesrvPort = -1;
        final List<String[]> brokers = new ArrayList<>();

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--cluster":
                        parsed.cluster = value;
                        break;
                    case "--store-dir":
                        parsed.storeDir = Paths.get(value).toAbsolutePath();
                        break;
                    case "--namesrv-port":
                        parsed.namesrvPort = Integer.parseInt(value);
                        break;
                    case "--broker":
                        String[] broker = value.split(":");
                        if (broker.length != 3) {
                            throw new IllegalArgumentException("--broker " + value + ": expected NAME:PORT:HAPORT");
                        }
                        parsed.brokers.add(broker);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (parsed.cluster == null || parsed.storeDir == null || parsed.namesrvPort <= 0
                || parsed.brokers.isEmpty()) {
                throw new IllegalArgumentException("--cluster, --store-dir, --namesrv-port and --broker are required");
            }
            return parsed;
        }
    }
}
