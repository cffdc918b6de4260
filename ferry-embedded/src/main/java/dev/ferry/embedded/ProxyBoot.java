package dev.ferry.embedded;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.common.ThreadFactoryImpl;
import org.apache.rocketmq.common.utils.AbstractStartAndShutdown;
import org.apache.rocketmq.common.utils.StartAndShutdown;
import org.apache.rocketmq.proxy.ProxyMode;
import org.apache.rocketmq.proxy.config.Configuration;
import org.apache.rocketmq.proxy.config.ConfigurationManager;
import org.apache.rocketmq.proxy.config.ProxyConfig;
import org.apache.rocketmq.proxy.grpc.interceptor.ContextInterceptor;
import org.apache.rocketmq.proxy.grpc.interceptor.GlobalExceptionInterceptor;
import org.apache.rocketmq.proxy.grpc.interceptor.HeaderInterceptor;
import org.apache.rocketmq.proxy.grpc.v2.GrpcMessagingApplication;
import org.apache.rocketmq.proxy.grpc.v2.channel.GrpcChannelManager;
import org.apache.rocketmq.proxy.metrics.ProxyMetricsManager;
import org.apache.rocketmq.proxy.processor.DefaultMessagingProcessor;
import org.apache.rocketmq.proxy.service.ServiceManager;

/**
 * What {@code ProxyStartup.main} does for a cluster-mode proxy, less what a test does not want: it runs inside
 * the proxy's own {@link ProxyClassLoader} (one per {@link EmbeddedProxy}), so it may use the proxy's classes
 * directly, but it must touch nothing package-private of this module: in that loader it is a class of another
 * runtime package. {@link EmbeddedProxy} sees it as an {@link AutoCloseable} only.
 *
 * <p>Differences from {@code ProxyStartup}: the configuration is built here rather than read from
 * {@code rmq-proxy.json}; the gRPC server listens on one loopback address (upstream binds every address) in plain
 * text, without upstream's protocol negotiator, which builds an SSL context at construction (a self-signed
 * certificate, or the files at {@code tlsCertPath}/{@code tlsKeyPath}) even when TLS is off; its event loops and
 * request threads are daemon threads that this class owns and stops (upstream's are neither); no remoting-protocol
 * server, no TLS certificate watcher and no thread-pool monitor (a static, JVM-wide scheduler).
 */
@SuppressWarnings("try") // close() throws what upstream's shutdown throws, Exception
final class ProxyBoot extends AbstractStartAndShutdown implements AutoCloseable {

    /** How long a closing gRPC server waits for calls under way (a consumer's long poll) before cutting them. */
    private static final long SHUTDOWN_WAIT_MILLIS = 1_000;
    private static final int REQUEST_THREADS = 4;
    private static final int REQUEST_QUEUE = 10_000;

    ProxyBoot(String clusterName, String namesrvAddr, String host, int port) throws Exception {
        ProxyConfig config = configure(clusterName, namesrvAddr, host, port);
        List<Runnable> leftovers = new ArrayList<>();
        appendShutdown(() -> leftovers.forEach(Runnable::run)); // first in, so last out
        ThreadPoolExecutor executor = new ThreadPoolExecutor(REQUEST_THREADS, REQUEST_THREADS, 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(REQUEST_QUEUE), new ThreadFactoryImpl("ferry-proxy-grpc-request-", true));
        appendShutdown(executor::shutdownNow);

        // In ProxyStartup's order: metrics, processor, application, server; shut down the other way round.
        appendStartAndShutdown(ProxyMetricsManager.initClusterMode(config));
        DefaultMessagingProcessor processor = DefaultMessagingProcessor.createForClusterMode();
        appendStartAndShutdown(processor);
        GrpcMessagingApplication application = GrpcMessagingApplication.create(processor);
        appendStartAndShutdown(application);
        leftovers.add(() -> stopLeftovers(processor, application));

        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("ferry-proxy-grpc-boss", true));
        EventLoopGroup workers = new NioEventLoopGroup(config.getGrpcWorkerLoopNum(),
            new DefaultThreadFactory("ferry-proxy-grpc-worker", true));
        appendShutdown(() -> {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        });
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            .executor(executor)
            .maxInboundMessageSize(config.getGrpcMaxInboundMessageSize())
            .maxConnectionIdle(config.getGrpcClientIdleTimeMills(), TimeUnit.MILLISECONDS)
            .addService(application)
            // As GrpcServerBuilder.configInterceptor: the last added runs first.
            .intercept(new GlobalExceptionInterceptor())
            .intercept(new ContextInterceptor())
            .intercept(new HeaderInterceptor())
            .build();
        appendStartAndShutdown(new StartAndShutdown() {
            @Override
            public void start() throws Exception {
                server.start();
            }

            @Override
            public void shutdown() throws Exception {
                if (!server.shutdown().awaitTermination(SHUTDOWN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    server.shutdownNow().awaitTermination(SHUTDOWN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        });
        try {
            start();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Builds the proxy's configuration and installs it where every proxy class reads it, the static
     * {@link ConfigurationManager}: one per class loader, so one per proxy.
     */
    private static ProxyConfig configure(String clusterName, String namesrvAddr, String host, int port) {
        ConfigurationManager.initEnv(); // RMQ_PROXY_HOME, which a few defaults below are paths under
        ProxyConfig config = new ProxyConfig();
        config.setProxyMode(ProxyMode.CLUSTER.name());
        config.setRocketMQClusterName(clusterName);
        config.setProxyClusterName(clusterName + "-proxy");
        config.setProxyName(clusterName + "-proxy-" + port);
        config.setNamesrvAddr(namesrvAddr);
        config.setGrpcServerPort(port);
        // Without it the proxy names itself by the host's LAN address, where nothing listens.
        config.setLocalServeAddr(host);
        config.setGrpcWorkerLoopNum(2);
        // Six remoting clients to the brokers by default, each with its own threads.
        config.setRocketmqMQClientNum(1);
        // A receive that finds nothing waits at least 5 s by default, whatever the client's await duration: tests
        // that check "nothing more comes" would wait that long each time. The client's own duration rules from 1 s.
        config.setGrpcClientConsumerMinLongPollingTimeoutMillis(1_000);
        config.initData();
        AuthConfig auth = new AuthConfig();
        auth.setConfigName(config.getProxyName());
        auth.setClusterName(config.getRocketMQClusterName());
        Configuration configuration = new Configuration();
        configuration.setProxyConfig(config);
        configuration.setAuthConfig(auth);
        Installer.install(configuration);
        return config;
    }

    /**
     * Stops two schedulers that upstream's shutdown forgets, each with a non-daemon thread: the gRPC channel
     * manager's (DefaultGrpcMessagingActivity does not register the manager for shutdown) and the topic route cache's
     * refresh executor (TopicRouteService never shuts it down).
     */
    private static void stopLeftovers(DefaultMessagingProcessor processor, GrpcMessagingApplication application) {
        try {
            Object activity = field(application, "grpcMessagingActivity");
            ((GrpcChannelManager) field(activity, "grpcChannelManager")).shutdown();
            ServiceManager services = (ServiceManager) field(processor, "serviceManager");
            ((ExecutorService) field(services.getTopicRouteService(), "cacheRefreshExecutor")).shutdownNow();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the proxy's leftover threads (another RocketMQ version?): " + e,
                e);
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }

    @Override
    public void close() throws Exception {
        preShutdown();
        shutdown();
    }

    /** The one way to set ConfigurationManager's configuration without a file: its field is protected. */
    private static final class Installer extends ConfigurationManager {
        static void install(Configuration configuration) {
            ConfigurationManager.configuration = configuration;
        }
    }
}
