package dev.ferry.check;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HostPort;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Reaches every cluster of a configuration and asks its NameServer for the brokers, as {@code ferry validate}
 * does: a file can be well-formed and still name a cluster that is down or mistyped. Clusters are checked in
 * parallel, each for about {@link #TIMEOUT}. {@code embedded: true} clusters are skipped: they do not exist
 * until Ferry starts them.
 */
public final class ClusterCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Starting the client, connecting and asking may together take a little longer than the timeout. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private ClusterCheck() {
    }

    public enum Status { OK, SKIPPED, FAILED }

    /**
     * What checking one cluster found.
     *
     * @param brokers the brokers the NameServer knows of (with {@link Status#OK}; otherwise 0)
     * @param line    the finding as one line for the operator, e.g.
     *                {@code cluster 'hangzhou' (127.0.0.1:9876): not reachable: connect to 127.0.0.1:9876 failed}
     */
    public record Result(String cluster, Status status, int brokers, String line) {

        public boolean failed() {
            return status == Status.FAILED;
        }
    }

    /** One result per cluster, in file order. */
    public static List<Result> check(FerryConfig config) {
        return check(config, TIMEOUT);
    }

    static List<Result> check(FerryConfig config, Duration timeout) {
        ExecutorService pool = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "ferry-cluster-check");
            // A NameServer that never answers, or an admin client still shutting down, must not keep the
            // process alive once the check has its results.
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Result>> checks = new ArrayList<>();
            for (ClusterConfig cluster : config.clusters().values()) {
                checks.add(cluster.embedded() ? CompletableFuture.completedFuture(skipped(cluster))
                    : reachLater(cluster, RightsProbe.of(config, cluster.name()), timeout, pool));
            }
            return checks.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    private static CompletableFuture<Result> reachLater(ClusterConfig cluster, RightsProbe rights, Duration timeout,
                                                        ExecutorService pool) {
        CompletableFuture<Result> result = new CompletableFuture<Result>().completeOnTimeout(
            failed(cluster, "not reachable: no answer within " + seconds(timeout) + " s"),
            timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        pool.execute(() -> reach(cluster, rights, timeout, result));
        return result;
    }

    /**
     * Completes {@code result} as soon as the NameServer has answered or failed. Shutting the admin client
     * down takes about three seconds more (RocketMQ's client waits for its network threads), which the
     * caller does not wait for.
     */
    private static void reach(ClusterConfig cluster, RightsProbe rights, Duration timeout,
                              CompletableFuture<Result> result) {
        Optional<String> unknownHost = unknownHost(cluster);
        if (unknownHost.isPresent()) {
            result.complete(failed(cluster, "not reachable: unknown host " + quote(unknownHost.get())));
            return;
        }
        DefaultMQAdminExt admin = null;
        Instant began = Instant.now();
        try {
            admin = ClusterClients.admin(cluster, timeout.toMillis());
            ClusterInfo info = admin.examineBrokerClusterInfo();
            Optional<String> refused = Optional.empty();
            if (cluster.credentials().isPresent() || cluster.tls().isPresent()) {
                refused = brokerRefuses(cluster, admin, info, began);
            }
            if (refused.isEmpty() && cluster.credentials().isPresent() && !info.getBrokerAddrTable().isEmpty()) {
                refused = rights.firstRefusal(admin);
            }
            result.complete(refused.isPresent() ? failed(cluster, refused.get()) : answered(cluster, info));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(failed(cluster, "check interrupted"));
        } catch (Exception e) {
            result.complete(failed(cluster, "not reachable: "
                + ClusterClients.tlsRefusal(cluster, began, null).orElse(reason(e))));
        } finally {
            if (admin != null) {
                ClientShutdown.shutdown(admin, admin::shutdown);
            }
        }
    }

    /**
     * The NameServer checks no credentials, and its TLS proves nothing of the brokers', which are reached at the
     * addresses they advertise. Asked for its config (which needs no right, only a user it knows with the right
     * secret), each master says whether it takes the cluster's credentials, and shows its certificate. A broker that
     * does not answer for another reason is not this check's to report: running Ferry waits for it.
     */
    private static Optional<String> brokerRefuses(ClusterConfig cluster, DefaultMQAdminExt admin, ClusterInfo info,
                                                  Instant began) throws InterruptedException {
        for (Map.Entry<String, BrokerData> broker : new TreeMap<>(info.getBrokerAddrTable()).entrySet()) {
            String master = broker.getValue().getBrokerAddrs().get(MixAll.MASTER_ID);
            if (master == null) {
                continue;
            }
            try {
                admin.getBrokerConfig(master);
            } catch (MQBrokerException e) {
                if (e.getResponseCode() == ResponseCode.NO_PERMISSION && cluster.credentials().isPresent()) {
                    return Optional.of("broker " + quote(broker.getKey()) + " (" + master + ") refuses the"
                        + " credentials of accessKey " + quote(cluster.credentials().orElseThrow().accessKey())
                        + ": " + reason(e) + " (check accessKey and secretKey)");
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                Optional<String> tls = ClusterClients.tlsRefusal(cluster, began, master);
                if (tls.isPresent()) {
                    return Optional.of("broker " + quote(broker.getKey()) + " (" + master + "): " + tls.get());
                }
            }
        }
        return Optional.empty();
    }

    /** A mistyped host name is common, and RocketMQ reports it only as "connect to  failed". */
    private static Optional<String> unknownHost(ClusterConfig cluster) {
        for (String address : cluster.namesrv().split(";")) {
            String host = HostPort.parse(address, 1).orElseThrow().host();
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                return Optional.of(host);
            }
        }
        return Optional.empty();
    }

    private static Result answered(ClusterConfig cluster, ClusterInfo info) {
        int brokers = info.getBrokerAddrTable().values().stream().mapToInt(b -> b.getBrokerAddrs().size()).sum();
        if (brokers == 0) {
            return failed(cluster, "reachable, but no broker is registered");
        }
        return new Result(cluster.name(), Status.OK, brokers,
            where(cluster) + ": OK, " + brokers + (brokers == 1 ? " broker" : " brokers"));
    }

    private static Result skipped(ClusterConfig cluster) {
        return new Result(cluster.name(), Status.SKIPPED, 0,
            "cluster " + quote(cluster.name()) + ": embedded, started by Ferry when it runs (not checked)");
    }

    private static Result failed(ClusterConfig cluster, String reason) {
        return new Result(cluster.name(), Status.FAILED, 0, where(cluster) + ": " + reason);
    }

    private static String where(ClusterConfig cluster) {
        return "cluster " + quote(cluster.name()) + " (" + cluster.namesrv() + ")";
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** A name as the configuration's own messages quote it. */
    static String quote(String text) {
        return "'" + text + "'";
    }

    /** RocketMQ's messages often go on with a second line pointing at its FAQ: the first line says it. */
    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
            : message.lines().findFirst().orElseThrow().strip();
    }
}
