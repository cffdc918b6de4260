package dev.ferry.embedded;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.rocketmq.common.MixAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocketMQ 5.5 gRPC proxy in cluster mode, running inside this JVM in front of an {@link EmbeddedCluster}:
 * what the 5.x gRPC clients ({@code rocketmq-client-java}) connect to. It listens on {@link #grpcEndpoint()},
 * {@code 127.0.0.1:<free port>}, in plain text (the client's {@code enableSsl(false)}), and finds the brokers
 * through the cluster's NameServer. Its logs go to {@code proxy.log} beside the brokers' logs. Several proxies run
 * side by side in one JVM, one per cluster (two regions) or more.
 *
 * <pre>{@code
 * try (EmbeddedProxy proxy = EmbeddedProxy.start(cluster)) {
 *     ClientConfiguration config = ClientConfiguration.newBuilder()
 *         .setEndpoints(proxy.grpcEndpoint()).enableSsl(false).build();
 * }
 * }</pre>
 *
 * <p>Each proxy runs in a {@link ProxyClassLoader} of its own, over the jars that ferry-embedded's build lists in
 * {@code proxy-classpath.txt} (rocketmq-proxy and what it needs beyond this module's dependencies, in the local
 * Maven repository); rocketmq-proxy is a {@code provided} dependency, so no other module carries it. Starting takes
 * about 2 s; closing about 10 s, nearly all of it the 3 s waits of the proxy's remoting clients' shutdowns.
 *
 * <h2>Facts learned the hard way (RocketMQ 5.5.0, rocketmq-client-java 5.0.8)</h2>
 * <ul>
 * <li><b>Two sets of gRPC classes under one name.</b> {@code rocketmq-client-java} is a shaded jar that brings no
 *     dependency, but it carries the gRPC messages {@code apache.rocketmq.v2.*} unrelocated, built against its shaded
 *     protobuf (and even rocketmq-proto's {@code pom.properties}); the proxy needs {@code rocketmq-proto}'s classes
 *     of the same names, built against plain protobuf, and rocketmq-proto is on every class path with a broker
 *     (rocketmq-auth depends on it). No flat class path serves both. So the proxy's loader takes
 *     {@code apache.rocketmq.v2} from rocketmq-proto's jar, and the application must find the client's first:
 *     {@code rocketmq-client-java} declared before the RocketMQ server artifacts in the pom; {@link #start} refuses
 *     to run when the client would lose. (No unshaded client 5.0.8 exists: {@code rocketmq-client-java-noshade}
 *     ends at 5.0.5.) Versions otherwise agree: the broker brings gRPC 1.53 and protobuf 3.20.1 already.</li>
 * <li><b>The proxy's classes must exist once per proxy, and nowhere else.</b> Its configuration is static
 *     ({@code ConfigurationManager.getProxyConfig()}, read everywhere), so two proxies need two loaders. And a copy
 *     on the application's class path is what by-name look-ups find: fastjson2's generated readers resolve field
 *     types through fastjson2's own loader, and the proxy could not read its heartbeat-sync messages
 *     ({@code HeartbeatType cannot be cast to HeartbeatType}). Hence: rocketmq-proxy is left off the test class path
 *     (surefire's {@code classpathDependencyExcludes}), the proxy's loader also loads its own fastjson2, whose
 *     generated classes then see the proxy's classes, and the threads of a proxy have its loader as context loader
 *     (fastjson2 takes its parent loader from the first user's). The remoting-protocol server could not run so (it
 *     hands fastjson2 types to rocketmq-remoting), and is not started.</li>
 * <li><b>The heartbeat syncer's consumer.</b> At start the proxy creates the topic {@code DefaultHeartBeatSyncerTopic}
 *     on {@code rocketMQClusterName}'s brokers and starts a broadcast {@code DefaultMQPushConsumer} with neither a
 *     NameServer address (it falls back to {@code rocketmq.namesrv.addr}/{@code NAMESRV_ADDR}, else an HTTP address
 *     server) nor an instance name (a broadcast consumer keeps {@code DEFAULT}, so every proxy's would share one
 *     client: "The consumer group[CID_DefaultHeartBeatSyncerTopic] has been created before"). Both system properties
 *     are set while the proxy starts, under a lock, and put back.</li>
 * <li><b>No config file.</b> Upstream reads {@code rmq-proxy.json} from {@code -Dcom.rocketmq.proxy.configPath},
 *     else the class path resource {@code rmq-proxy-home/conf/rmq-proxy.json}, else
 *     {@code $RMQ_PROXY_HOME/conf/rmq-proxy.json} (environment, then system property, default {@code ~/rmq-proxy}),
 *     and fails without one. Here the config is built in code and put into {@code ConfigurationManager}'s protected
 *     static field: {@code proxyMode=CLUSTER}, {@code namesrvAddr}, {@code rocketMQClusterName},
 *     {@code grpcServerPort}, {@code localServeAddr=127.0.0.1} (else the LAN address), {@code rocketmqMQClientNum=1}
 *     (else 6 remoting clients), then {@code initData()}, as upstream's loader does.
 *     {@code ProxyStartup.main} is not reusable: a static server list, a shutdown hook, {@code System.exit}.</li>
 * <li><b>TLS, loopback, threads.</b> Upstream's gRPC server always installs {@code ProxyAndTlsProtocolNegotiator},
 *     which builds an SSL context at construction (a self-signed certificate, seconds of key generation, or the files
 *     at {@code tlsCertPath}/{@code tlsKeyPath}) whatever {@code tls.server.mode} says; binds every address; and gets
 *     netty event loops that gRPC never shuts down. {@link ProxyBoot} builds the server itself: plain text, on
 *     127.0.0.1, upstream's three interceptors in upstream's order, daemon threads it stops. Upstream's shutdown also
 *     forgets two schedulers ({@code GrpcChannelManager_}, {@code TopicRouteCacheRefresh}): stopped by reflection.
 *     {@code ProxyStartup.initThreadPoolMonitor} would start a JVM-wide static scheduler: skipped. A proxy that
 *     served receives and acks still leaves three threads of upstream's running after its close
 *     ({@code RequestHouseKeepingService1}, {@code ReturnHandleGroupWorkerThread-0/1}): not stopped yet.</li>
 * <li><b>Message types.</b> The proxy's route tells the client which message types a topic accepts (its
 *     {@code message.type} attribute); the 5.x client then refuses a message without a group for a FIFO topic
 *     itself ({@code IllegalArgumentException}). A FIFO message's group is stored as {@code __SHARDINGKEY}, and
 *     {@code MessageView.getMessageId()} is the stored {@code UNIQ_KEY}. A FIFO consumer group needs
 *     {@code consumeMessageOrderly=true} on its subscription group.</li>
 * </ul>
 */
public final class EmbeddedProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProxy.class);
    private static final Duration PORT_WAIT = Duration.ofSeconds(15);
    private static final String CLIENT_CLASS = "org.apache.rocketmq.client.java.impl.ClientImpl";
    private static final String GRPC_MESSAGE_CLASS = "apache.rocketmq.v2.Message";
    private static final String CLIENT_SHADED_PREFIX = "org.apache.rocketmq.shaded.";
    /** Read by {@code ClientConfig}'s constructor, as {@link MixAll#NAMESRV_ADDR_PROPERTY} is. */
    private static final String CLIENT_NAME_PROPERTY = "rocketmq.client.name";
    private static final Object CLIENT_DEFAULTS_LOCK = new Object();
    private static final String FASTJSON2_LOADER_CLASS = "com.alibaba.fastjson2.util.DynamicClassLoader";

    private final String clusterName;
    private final int port;
    private final ProxyClassLoader loader;
    private final AutoCloseable proxy;
    private boolean closed;

    private EmbeddedProxy(String clusterName, int port, ProxyClassLoader loader, AutoCloseable proxy) {
        this.clusterName = clusterName;
        this.port = port;
        this.loader = loader;
        this.proxy = proxy;
    }

    /**
     * Starts a cluster-mode proxy in front of a running cluster, on a free loopback port; returns once its gRPC
     * server listens.
     *
     * @throws IllegalStateException when rocketmq-proxy is not on the class path, when the gRPC client on the
     *                               class path would be broken by it, or when the proxy does not start
     */
    public static EmbeddedProxy start(EmbeddedCluster cluster) {
        RocketMqLogging.route();
        ClassLoader application = EmbeddedProxy.class.getClassLoader();
        checkClientComesFirst(application);
        String name = "ferry-proxy-" + cluster.clusterName();
        int port = Ports.pickProxyPort();
        ProxyClassLoader loader = ProxyClassLoader.create(name, application);
        initializeFastjson2(application);
        long startNanos = System.nanoTime();
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // Inherited by every thread the proxy starts, and so by the threads they start: what the proxy's fastjson2
        // takes as its parent loader when a proxy thread uses it first.
        current.setContextClassLoader(loader);
        try {
            Constructor<?> boot = Class.forName(ProxyClassLoader.BOOT_CLASS, true, loader)
                .getDeclaredConstructor(String.class, String.class, String.class, int.class);
            boot.setAccessible(true); // package-private, and in a runtime package of its own
            AutoCloseable proxy = withClientDefaults(cluster.namesrvAddr(), name + "-" + port, () ->
                (AutoCloseable) boot.newInstance(cluster.clusterName(), cluster.namesrvAddr(), EmbeddedCluster.LOCALHOST,
                    port));
            EmbeddedProxy started = new EmbeddedProxy(cluster.clusterName(), port, loader, proxy);
            LOG.info("{}started in {} ms at {}", started.prefix(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), started.grpcEndpoint());
            return started;
        } catch (InvocationTargetException e) {
            closeLoader(loader);
            throw new IllegalStateException("[" + name + "] did not start on port " + port + ": " + e.getCause(),
                e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            closeLoader(loader);
            throw new IllegalStateException("[" + name + "] cannot load the proxy: " + e, e);
        } catch (Exception e) {
            closeLoader(loader);
            throw new IllegalStateException("[" + name + "] did not start on port " + port + ": " + e, e);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /**
     * Runs {@code boot} with the remoting clients' default NameServer address and instance name set to these: the
     * proxy's heartbeat syncer starts a broadcast push consumer with neither, so it would take the NameServer
     * address from {@code rocketmq.namesrv.addr} or {@code NAMESRV_ADDR} (none: a look-up of an address server over
     * HTTP), and, as a broadcast consumer keeps the instance name {@code DEFAULT}, share one client with every other
     * such consumer in the JVM (the second proxy's then fails: "The consumer group[CID_DefaultHeartBeatSyncerTopic]
     * has been created before"). Both properties are read when a client is constructed; the previous values come
     * back at once.
     */
    private static <T> T withClientDefaults(String namesrvAddr, String instanceName, Callable<T> boot)
        throws Exception {
        synchronized (CLIENT_DEFAULTS_LOCK) {
            String previousNamesrv = System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, namesrvAddr);
            String previousName = System.setProperty(CLIENT_NAME_PROPERTY, instanceName);
            try {
                return boot.call();
            } finally {
                restore(MixAll.NAMESRV_ADDR_PROPERTY, previousNamesrv);
                restore(CLIENT_NAME_PROPERTY, previousName);
            }
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /**
     * The application's fastjson2 takes the context class loader of the thread that first uses it as its generated
     * readers' parent loader, for good: that must not be a proxy's.
     */
    private static void initializeFastjson2(ClassLoader application) {
        try {
            Class.forName(FASTJSON2_LOADER_CLASS, true, application);
        } catch (ClassNotFoundException e) {
            // not on the class path, so nothing of the application's to protect
        }
    }

    /**
     * With both jars on one class path, the gRPC client works only if its own {@code apache.rocketmq.v2} classes
     * come first; otherwise it would fail later, far from the cause.
     */
    private static void checkClientComesFirst(ClassLoader application) {
        try {
            Class.forName(CLIENT_CLASS, false, application);
        } catch (ClassNotFoundException e) {
            return; // no gRPC client, nothing to break
        }
        String base;
        try {
            base = Class.forName(GRPC_MESSAGE_CLASS, false, application).getSuperclass().getName();
        } catch (ClassNotFoundException | LinkageError e) {
            return;
        }
        if (!base.startsWith(CLIENT_SHADED_PREFIX)) {
            throw new IllegalStateException("the class path has rocketmq-proto's gRPC classes ahead of"
                + " rocketmq-client-java's (" + GRPC_MESSAGE_CLASS + " extends " + base + "), so the gRPC client"
                + " cannot work: declare org.apache.rocketmq:rocketmq-client-java before rocketmq-proxy and"
                + " ferry-embedded in the pom");
        }
    }

    /** {@code 127.0.0.1:port} of the gRPC server: the client's {@code setEndpoints}. */
    public String grpcEndpoint() {
        return EmbeddedCluster.LOCALHOST + ":" + port;
    }

    public int grpcPort() {
        return port;
    }

    /** The proxy's class loader: the context class loader of every thread the proxy started. */
    ClassLoader classLoader() {
        return loader;
    }

    /**
     * Stops the proxy: its gRPC server (calls under way are given a second), its clients of the brokers, its
     * threads; waits until its port is free. Calling it again does nothing. Close the gRPC clients first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startNanos = System.nanoTime();
        try {
            proxy.close();
        } catch (Exception e) {
            LOG.warn("{}did not shut down cleanly: {}", prefix(), e.toString(), e);
        }
        closeLoader(loader);
        if (!Ports.awaitFree(PORT_WAIT, port)) {
            LOG.warn("{}port {} still in use {} s after shutdown", prefix(), port, PORT_WAIT.toSeconds());
        }
        LOG.info("{}closed in {} ms", prefix(), Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    private static void closeLoader(ProxyClassLoader loader) {
        try {
            loader.close(); // its jars; the classes stay usable while referenced
        } catch (IOException e) {
            LOG.warn("cannot close the proxy's class loader: {}", e.toString());
        }
    }

    private String prefix() {
        return "[proxy of " + clusterName + "] ";
    }

    @Override
    public String toString() {
        return "EmbeddedProxy[" + clusterName + ", grpc=" + grpcEndpoint() + "]";
    }
}
