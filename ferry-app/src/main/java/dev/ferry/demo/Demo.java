package dev.ferry.demo;

import dev.ferry.backup.Ferry;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.config.TopicMapping;
import dev.ferry.copy.LinkStatus;
import dev.ferry.copy.OriginStamp;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The showcase: embedded clusters running the three scenarios of global message backup, with sample
 * applications producing, live progress per direction, and a closing check per scenario.
 *
 * <pre>
 *   aggregation:        unit-a --orders--\
 *                                         &gt;--&gt; center      (each unit's traffic, FERRY_ORIGIN names the unit)
 *                       unit-b --orders--/
 *   disaster recovery:  primary --payments--&gt; standby     (idle standby, ready to take over)
 *   active-active:      east &lt;--trades--&gt; west           (both take traffic; copies marked, nothing loops)
 * </pre>
 */
public final class Demo {

    private static final int QUEUES = 4;

    private final PrintWriter out;
    private final int ratePerApp;
    private final MeterRegistry metrics;
    private final Map<String, EmbeddedCluster> clusters = new LinkedHashMap<>();

    /** @param metrics where the demo's Ferry records its metrics */
    public Demo(PrintWriter out, int ratePerApp, MeterRegistry metrics) {
        this.out = out;
        this.ratePerApp = ratePerApp;
        this.metrics = metrics;
    }

    /**
     * Runs until {@code stop} opens or {@code duration} passes (null: until stop), then checks arrivals.
     *
     * @param onStarted called with the running Ferry (e.g. to serve its status)
     * @return true when every scenario's check passed
     */
    public boolean run(Duration duration, CountDownLatch stop, Consumer<Ferry> onStarted) throws Exception {
        try {
            startClusters(List.of("unit-a", "unit-b", "center", "primary", "standby", "east", "west"));
            clusters.get("unit-a").createTopic("orders", QUEUES);
            clusters.get("unit-b").createTopic("orders", QUEUES);
            clusters.get("primary").createTopic("payments", QUEUES);
            clusters.get("east").createTopic("trades", QUEUES);
            clusters.get("west").createTopic("trades", QUEUES);
            FerryConfig config = config();
            say("Ferry starts %d backups:", config.backups().size());
            config.backups().forEach(b -> say("  %-16s %s %s %s  topics %s", b.name(), b.source(),
                b.mode() == Mode.TWO_WAY ? "<->" : "-> ", b.target(), b.topics()));
            try (Ferry ferry = Ferry.start(config, metrics)) {
                onStarted.accept(ferry);
                List<DemoTraffic> apps = List.of(
                    new DemoTraffic("unit-a", address("unit-a"), "orders", ratePerApp),
                    new DemoTraffic("unit-b", address("unit-b"), "orders", ratePerApp),
                    new DemoTraffic("primary", address("primary"), "payments", ratePerApp),
                    new DemoTraffic("east", address("east"), "trades", ratePerApp),
                    new DemoTraffic("west", address("west"), "trades", ratePerApp));
                say("Sample applications produce %d msg/s each into unit-a, unit-b, primary, east and west. %s",
                    ratePerApp,
                    duration == null ? "Ctrl-C ends the demo and runs the closing check."
                        : "The demo runs " + duration.toSeconds() + " s.");
                showProgress(ferry, duration, stop);
                for (DemoTraffic app : apps) {
                    app.stop();
                }
                say("Producers stopped; waiting for every backup to drain its backlog...");
                drain(ferry);
                ferry.status().forEach(s -> say("  %s", line(s)));
                boolean passed = check(apps);
                for (DemoTraffic app : apps) {
                    app.close();
                }
                return passed;
            }
        } finally {
            stopClusters();
        }
    }

    private void startClusters(List<String> names) {
        say("Starting %d embedded RocketMQ clusters (NameServer + broker each): %s", names.size(), names);
        // One after the other: brokers starting side by side in one JVM race on RocketMQ's class loading.
        for (String name : names) {
            clusters.put(name, EmbeddedCluster.builder(name).start());
            say("  %-8s namesrv %s", name, clusters.get(name).namesrvAddr());
        }
    }

    private FerryConfig config() {
        Map<String, ClusterConfig> byName = new LinkedHashMap<>();
        clusters.forEach((name, cluster) -> byName.put(name, new ClusterConfig(name, cluster.namesrvAddr(), null, null,
            name.startsWith("unit-") ? Map.of("unit", name) : Map.of(), false)));
        List<BackupConfig> backups = List.of(
            backup("aggregate-unit-a", "unit-a", "center", "orders"),
            backup("aggregate-unit-b", "unit-b", "center", "orders"),
            backup("dr-payments", "primary", "standby", "payments"),
            backup("active-active", Mode.TWO_WAY, "east", "west", "trades"));
        return new FerryConfig(Path.of("demo"), byName, backups, HttpConfig.DEFAULT);
    }

    private static BackupConfig backup(String name, String source, String target, String topic) {
        return backup(name, Mode.ONE_WAY, source, target, topic);
    }

    private static BackupConfig backup(String name, Mode mode, String source, String target, String topic) {
        return new BackupConfig(name, mode, source, target, List.of(topic), TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
    }

    private void showProgress(Ferry ferry, Duration duration, CountDownLatch stop) throws InterruptedException {
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            long wait = Math.min(TimeUnit.SECONDS.toNanos(2), end - System.nanoTime());
            if (stop.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                say("Stopping on request.");
                return;
            }
            ferry.status().forEach(s -> say("  %s", line(s)));
        }
    }

    /**
     * Waits until nothing is left to copy: every backlog at 0, or nothing copied for 3 s. (A two-way link's
     * backlog can count, for a few seconds more, copies its source broker skips for it: its committed offset
     * passes them when the broker's long-polling pull returns.)
     */
    private void drain(Ferry ferry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long copied = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<LinkStatus> status = ferry.status();
            if (status.stream().allMatch(s -> s.backlog() == 0)) {
                return;
            }
            long now = status.stream().mapToLong(LinkStatus::copied).sum();
            if (now != copied) {
                copied = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
                return;
            }
            Thread.sleep(500);
        }
        say("Some backlog is left after 60 s; the check below shows what is missing.");
    }

    /**
     * Compares each target with what its sources hold: the source is the truth. A producer's send that timed
     * out may still have been stored, and the client's own retry may have stored it twice (same message ID); Ferry
     * copies what is stored, so those count as sent — as often as they are stored.
     *
     * <p>What fails: a message missing, one nobody sent, and a loop — a copy stored in a cluster its
     * {@code FERRY_PATH} says it had already been stored in. A message copied twice is at-least-once at work (the
     * target stored a batch whose acknowledgement timed out, and Ferry sent it again, as it must to lose nothing):
     * it is counted and shown, and idempotent consumers drop it by its message ID.
     */
    private boolean check(List<DemoTraffic> apps) throws Exception {
        say("Closing check: every message stored at its source arrives where it belongs, none loops back, counted by"
            + " origin; then what consumers filtering on FERRY_ORIGIN receive.");
        Map<String, Map<String, Integer>> stored = new LinkedHashMap<>();
        boolean all = true;
        for (DemoTraffic app : apps) {
            stored.put(app.cluster(), storedBy(app));
            long lost = app.sent().stream().filter(id -> !stored.get(app.cluster()).containsKey(id)).count();
            if (lost > 0) {
                say("  %s/%s does not hold %d message(s) it acknowledged: FAIL", app.cluster(), app.topic(), lost);
                all = false;
            }
        }
        Map<String, Integer> fromUnits = sum(stored.get("unit-a"), stored.get("unit-b"));
        Map<String, Integer> fromEast = stored.get("east");
        Map<String, Integer> fromWest = stored.get("west");
        Map<String, Integer> fromBoth = sum(fromEast, fromWest);
        boolean[] passed = {
            checkTarget("aggregation", "center", "orders", fromUnits),
            checkTarget("disaster recovery", "standby", "payments", stored.get("primary")),
            checkTarget("active-active", "east", "trades", fromBoth),
            checkTarget("active-active", "west", "trades", fromBoth),
            checkFilter("east", "trades", FerryNames.ORIGIN + " IS NULL", fromEast),
            checkFilter("east", "trades", FerryNames.ORIGIN + " = 'west'", fromWest),
            checkFilter("west", "trades", FerryNames.ORIGIN + " IS NULL", fromWest),
            checkFilter("west", "trades", FerryNames.ORIGIN + " = 'east'", fromEast)};
        for (boolean p : passed) {
            all &= p;
        }
        say(all ? "All scenarios PASS." : "Some scenario FAILED.");
        return all;
    }

    /** The application's own messages its cluster holds (not the copies it took in), by ID, with how often. */
    private Map<String, Integer> storedBy(DemoTraffic app) throws Exception {
        Map<String, Integer> ids = new HashMap<>();
        for (MessageExt message : TopicReader.readAll(address(app.cluster()), app.topic(), app.sent().size(),
            Duration.ofSeconds(1), Duration.ofSeconds(60))) {
            if (message.getUserProperty(FerryNames.ORIGIN) == null) {
                ids.merge(message.getMsgId(), 1, Integer::sum);
            }
        }
        return ids;
    }

    @SafeVarargs
    private static Map<String, Integer> sum(Map<String, Integer>... parts) {
        Map<String, Integer> total = new HashMap<>();
        for (Map<String, Integer> part : parts) {
            part.forEach((id, n) -> total.merge(id, n, Integer::sum));
        }
        return total;
    }

    private static int count(Map<String, Integer> ids) {
        return ids.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** What a consumer in {@code cluster} subscribing with {@code sql92} receives: exactly {@code expected}. */
    private boolean checkFilter(String cluster, String topic, String sql92, Map<String, Integer> expected)
        throws Exception {
        List<MessageExt> matched = TopicReader.readMatching(address(cluster), topic, sql92, count(expected),
            Duration.ofSeconds(1), Duration.ofSeconds(60));
        Map<String, Integer> ids = new HashMap<>();
        matched.forEach(m -> ids.merge(m.getMsgId(), 1, Integer::sum));
        boolean pass = ids.keySet().equals(expected.keySet()) && !expected.isEmpty();
        say("  %-18s %s/%s with SQL-92 %s: %d received, %d distinct, %d expected: %s", "  consumer filter", cluster,
            topic, sql92, matched.size(), ids.size(), expected.size(), pass ? "PASS" : "FAIL");
        return pass;
    }

    private boolean checkTarget(String scenario, String cluster, String topic, Map<String, Integer> expected)
        throws Exception {
        List<MessageExt> arrived = TopicReader.readAll(address(cluster), topic, count(expected),
            Duration.ofSeconds(1), Duration.ofSeconds(60));
        Map<String, Integer> seen = new TreeMap<>();
        Map<String, Integer> byOrigin = new TreeMap<>();
        long looped = 0;
        for (MessageExt message : arrived) {
            seen.merge(message.getMsgId(), 1, Integer::sum);
            String origin = message.getUserProperty(FerryNames.ORIGIN);
            byOrigin.merge(origin == null ? cluster + "(local)" : origin, 1, Integer::sum);
            looped += OriginStamp.hasVisited(message, cluster) ? 1 : 0;
        }
        long missing = expected.entrySet().stream().filter(e -> seen.getOrDefault(e.getKey(), 0) < e.getValue()).count();
        long copiedTwice = seen.entrySet().stream().filter(e -> expected.containsKey(e.getKey())
            && e.getValue() > expected.get(e.getKey())).count();
        long unexpected = seen.keySet().stream().filter(id -> !expected.containsKey(id)).count();
        boolean pass = missing == 0 && looped == 0 && unexpected == 0 && !expected.isEmpty();
        say("  %-18s %s/%s: %d sent, %d arrived %s; missing %d, looped %d, unexpected %d: %s%s", scenario, cluster,
            topic, count(expected), arrived.size(), byOrigin, missing, looped, unexpected, pass ? "PASS" : "FAIL",
            copiedTwice == 0 ? "" : String.format(" (%d copied twice: a send whose acknowledgement timed out, sent"
                + " again; at-least-once)", copiedTwice));
        return pass;
    }

    private String address(String cluster) {
        return clusters.get(cluster).namesrvAddr();
    }

    private static String line(LinkStatus s) {
        return String.format("%-16s %-9s -> %-8s %-11s copied %6d  backlog %5d  delay %5d ms", s.backup(), s.source(),
            s.target(), s.state().text(), s.copied(), s.backlog(), s.delayMillis());
    }

    private void say(String format, Object... args) {
        out.println(String.format(format, args));
        out.flush();
    }

    private void stopClusters() {
        // Side by side: most of a broker's shutdown is fixed pauses inside RocketMQ.
        EmbeddedCluster.closeAll(clusters.values().toArray(EmbeddedCluster[]::new));
        clusters.clear();
    }
}
