package dev.ferry.bench;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.config.TopicMapping;
import dev.ferry.copy.LinkStatus;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.names.FerryNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A measuring tool, not a test: Ferry's delay per message at several steady rates, with both clusters and Ferry
 * in this JVM as the demo runs them (RocketMQ's default names, DefaultCluster and broker-a, on loopback).
 *
 * <p>For each rate it produces for a while (the bench's {@link LiveLoad}), reads every copy on the target and
 * reports the bench's delay (the copy's store time minus its origin's, {@code FERRY_ORIGIN_TIME}) as
 * p50/p90/p99/max, split at the copy's born time (when Ferry sent it) into reading (origin stored to Ferry's send)
 * and writing (Ferry's send to the copy stored); beside it, what the link's status said its delay was every
 * 500 ms meanwhile, the figure the demo shows. On a machine shared with other work, the tails are the machine's:
 * compare them with the producer's own.
 *
 * <pre>
 *   java -cp ... dev.ferry.bench.DelayAtRates [seconds] [rate ...]     (default: 20 s at 20 100 1000 5000 msg/s)
 * </pre>
 */
public final class DelayAtRates {

    private static final String TOPIC = "delay-probe";
    private static final int QUEUES = 4;

    private DelayAtRates() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<Integer> rates = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            rates.add(Integer.parseInt(args[i]));
        }
        if (rates.isEmpty()) {
            rates = List.of(20, 100, 1_000, 5_000);
        }
        // Stores in fresh folders, deleted on close.
        EmbeddedCluster source = EmbeddedCluster.builder("DefaultCluster").autoCreateTopics(false).start();
        EmbeddedCluster target = EmbeddedCluster.builder("DefaultCluster").autoCreateTopics(false).start();
        try {
            source.createTopic(TOPIC, QUEUES);
            try (Ferry ferry = Ferry.start(config(source, target));
                 LiveLoad load = new LiveLoad(source.namesrvAddr(), new BenchMessages(1024))) {
                awaitFirstHeartbeat(ferry);
                load.run(TOPIC, "warm-up", 100, 3);
                System.out.printf("%7s %7s | %-22s | %-10s %-10s | %s%n", "msg/s", "copies",
                    "delay p50/p90/p99/max", "read p99", "write p99", "status delay p50/p90/max");
                for (int rate : rates) {
                    measure(ferry, load, target.namesrvAddr(), rate, seconds);
                }
            }
        } finally {
            EmbeddedCluster.closeAll(source, target);
        }
        System.exit(0);
    }

    private static FerryConfig config(EmbeddedCluster source, EmbeddedCluster target) {
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        clusters.put("a", new ClusterConfig("a", source.namesrvAddr(), null, null, Map.of(), false));
        clusters.put("b", new ClusterConfig("b", target.namesrvAddr(), null, null, Map.of(), false));
        BackupConfig backup = new BackupConfig("delay-at-rates", Mode.ONE_WAY, "a", "b", List.of(TOPIC),
            TopicMapping.SAME, null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
        return new FerryConfig(Path.of("delay-at-rates.yaml"), clusters, List.of(backup), HttpConfig.DEFAULT);
    }

    private static void awaitFirstHeartbeat(Ferry ferry) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ferry.status().get(0).heartbeats() == 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the link copied no heartbeat in 60 s: " + ferry.status());
            }
            Thread.sleep(200);
        }
    }

    private static void measure(Ferry ferry, LiveLoad load, String targetNamesrv, int rate, int seconds)
        throws Exception {
        Map<MessageQueue, Long> from = targetEnds(targetNamesrv);
        List<Long> shown = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            LinkStatus status = ferry.status().get(0);
            synchronized (shown) {
                shown.add(status.delayMillis());
            }
        }, 1_000, 500, TimeUnit.MILLISECONDS);
        long sent = load.run(TOPIC, "rate-" + rate, rate, seconds);
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        long[][] copies = read(targetNamesrv, from, sent);
        Delays delay = Delays.of(copies[0]);
        Delays status;
        synchronized (shown) {
            status = Delays.of(shown.stream().mapToLong(Long::longValue).toArray());
        }
        System.out.printf("%7d %7d | %-22s | %-10d %-10d | %d/%d/%d%n", rate, delay.count(),
            delay.p50() + "/" + delay.p90() + "/" + delay.p99() + "/" + delay.max(), Delays.of(copies[1]).p99(),
            Delays.of(copies[2]).p99(), status.p50(), status.p90(), status.max());
    }

    private static Map<MessageQueue, Long> targetEnds(String namesrv) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("delay-at-rates-admin-" + System.nanoTime());
        admin.start();
        try {
            Map<MessageQueue, Long> ends = new HashMap<>();
            admin.examineTopicStats(TOPIC).getOffsetTable().forEach((q, o) -> ends.put(q, o.getMaxOffset()));
            return ends;
        } finally {
            ClientShutdown.shutdown(admin, admin::shutdown);
        }
    }

    /** Per copy from the target's {@code from} offsets on: {total, reading, writing} delays, in ms. */
    private static long[][] read(String namesrv, Map<MessageQueue, Long> from, long expected) throws Exception {
        try (OffsetReader reader = new OffsetReader(namesrv, "delay-at-rates-reader", from)) {
            long[][] delays = new long[3][(int) expected];
            int read = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (read < expected && System.currentTimeMillis() < deadline) {
                for (MessageExt copy : reader.poll()) {
                    String origin = copy.getUserProperty(FerryNames.ORIGIN_TIME);
                    if (origin != null && read < expected) {
                        long originStored = Long.parseLong(origin);
                        delays[0][read] = copy.getStoreTimestamp() - originStored;
                        delays[1][read] = copy.getBornTimestamp() - originStored;
                        delays[2][read] = copy.getStoreTimestamp() - copy.getBornTimestamp();
                        read++;
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                delays[i] = java.util.Arrays.copyOf(delays[i], read);
            }
            return delays;
        }
    }
}
