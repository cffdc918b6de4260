package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes RocketMQ clients for one configured cluster: the NameServer address, the ACL hook and a unique
 * instance name.
 *
 * <p>Why a unique instance name: inside one JVM, RocketMQ clients with the same instance name share one
 * client instance, and the first NameServer address wins. Ferry talks to several clusters from one
 * process, so every client it makes gets a name of its own.
 */
public final class ClusterClients {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterClients.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private ClusterClients() {
    }

    /** The ACL hook for the cluster's credentials, or null when it has none. */
    public static RPCHook rpcHook(ClusterConfig cluster) {
        return cluster.credentials()
            .map(c -> (RPCHook) new AclClientRPCHook(new SessionCredentials(c.accessKey(), c.secretKey())))
            .orElse(null);
    }

    /**
     * A producer for the cluster (its ACL hook given) that never starts the client's auto-batching. Every 5.5.0
     * producer makes a {@code ProduceAccumulator} when it starts, whatever {@code autoBatch} says, and its two threads
     * wake every 5 ms for as long as the producer lives: 6 ms of CPU a second for each idle producer on this machine,
     * a share of every copied message, and a producer per target, heartbeat, dead-letter topic, sync log and
     * checkpoint topic. Ferry batches its copies itself ({@code MessageBatch}) and leaves {@code autoBatch} off, the
     * only case in which the client sends through the accumulator; without one, {@code start}, {@code send} and
     * {@code shutdown} pass it by.
     */
    public static DefaultMQProducer producer(String group, ClusterConfig cluster) {
        return new ProducerWithoutAutoBatching(group, rpcHook(cluster));
    }

    private static final class ProducerWithoutAutoBatching extends DefaultMQProducer {
        ProducerWithoutAutoBatching(String group, RPCHook rpcHook) {
            super(group, rpcHook);
        }

        @Override
        public void initProduceAccumulator() {
            // none: see producer()
        }
    }

    /**
     * Points a client at the cluster, under an instance name no other client in this JVM uses, over TLS when the
     * cluster says so. Start it with {@link #start}.
     */
    public static <T extends ClientConfig> T configure(T client, ClusterConfig cluster, String role) {
        client.setNamesrvAddr(cluster.namesrv());
        client.setInstanceName(instanceName(cluster, role));
        client.setVipChannelEnabled(false);
        client.setUseTLS(cluster.tls().isPresent());
        return client;
    }

    /** A client's {@code start()}. */
    @FunctionalInterface
    public interface Start {
        void run() throws MQClientException;
    }

    /**
     * Starts a client {@link #configure configured} for the cluster, once its other settings are made: over TLS, it
     * first gets the cluster's own TLS context, which checks each server's certificate against the cluster's CA and
     * the address dialed (see {@link ClientTls}; RocketMQ's own is one per process and checks no name).
     */
    public static void start(ClientConfig client, ClusterConfig cluster, Start start) throws MQClientException {
        if (cluster.tls().isPresent()) {
            ClientTls.install(client, rpcHook(cluster), cluster);
        }
        start.run();
        if (cluster.tls().isPresent()) {
            ClientTls.checkInstalled(client, cluster);
        }
    }

    /**
     * Why the cluster's TLS refused a server since {@code since} (of {@code address}, or of any when null): RocketMQ
     * reports a refused handshake only as a failed connection.
     */
    public static Optional<String> tlsRefusal(ClusterConfig cluster, Instant since, String address) {
        return ClientTls.refusal(cluster, since, address);
    }

    /** A started admin client for the cluster; the caller shuts it down. */
    public static DefaultMQAdminExt admin(ClusterConfig cluster, long timeoutMillis) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(rpcHook(cluster), timeoutMillis);
        configure(admin, cluster, "admin");
        admin.setAdminExtGroup(FerryNames.adminGroup(SEQUENCE.incrementAndGet()));
        start(admin, cluster, admin::start);
        return admin;
    }

    /**
     * Closes everything given side by side, each on a thread of its own, and returns when all are closed. A
     * RocketMQ client's shutdown mostly waits (on its network threads, on batches in flight); one after another
     * they add up to seconds per link, and a parallel stream would not help on a two-core host, whose common pool
     * has a single thread. A failure to close one is logged; the others close all the same.
     */
    public static void closeAll(Collection<? extends AutoCloseable> closeables) {
        List<Thread> closing = new ArrayList<>();
        for (AutoCloseable closeable : closeables) {
            Thread thread = new Thread(() -> {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed: {}", closeable, e.toString());
                }
            }, "ferry-close-" + SEQUENCE.incrementAndGet());
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String instanceName(ClusterConfig cluster, String role) {
        return FerryNames.clientInstance(cluster.name(), role, ProcessHandle.current().pid(),
            SEQUENCE.incrementAndGet());
    }
}
