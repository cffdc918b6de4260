package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.DelayProxy;
import dev.ferry.names.FerryNames;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * One benchmark run: two clusters as child JVMs (source and target), then on the same messages:
 *
 * <ol>
 *   <li>the <b>warm-up</b> backlog written into the source with the fastest producer ({@link FastWriter});</li>
 *   <li>the <b>naive relay</b> ({@link NaiveRelay}) copying a topic of its own from the source into the target;</li>
 *   <li>Ferry, in a JVM of its own ({@link FerryChild}), started on the warm-up backlog and copying it all: every
 *       JVM of the run is warm now;</li>
 *   <li>measured <b>rounds</b>, each with Ferry paused while the producer writes the round's messages into the
 *       source and then straight into the target (the <b>ceiling</b>), and then <b>Ferry catching up</b> that
 *       backlog;</li>
 *   <li><b>reading alone</b> ({@link ReadingAlone}): with Ferry paused, RocketMQ's push consumer reads the naive
 *       relay's topic and does nothing with it, to set what reading costs the client beside the producer's
 *       writing;</li>
 *   <li><b>Ferry under live load</b>: steady rates into the source ({@link LiveLoad}), 100 msg/s and the live
 *       rate, on loopback and (with a round trip) with the source far; each copy's delay from the source's store
 *       time to the target's;</li>
 *   <li>the <b>raw relay</b> ({@link RawRelay}): with Ferry paused, pulled bytes re-framed into batches and sent,
 *       nothing decoded, the naive relay's topic again, twice (the second time measured, warm): the least a copier
 *       spends with RocketMQ's remoting client;</li>
 *   <li><b>the target down</b> under that load: Ferry's memory, the backlog, and how fast it drains.</li>
 * </ol>
 *
 * <p>With a round trip ({@code rttMillis} above 0), each cluster sits behind a {@link DelayProxy} of its own
 * (at 0 ms, so every phase above runs through it unchanged), and each round goes on with two more catch-ups of a
 * round's backlog, filled at 0 ms while Ferry is paused: one with the <b>source far</b> (Ferry in the target's
 * region reads across the round trip, as MirrorMaker 2 recommends) and one with the <b>target far</b> (Ferry in
 * the source's region writes across it). Each is reported against the same round's catch-up on loopback.
 *
 * <p>Throughputs are counted in the stores (the sum of the topic's queue offsets), not by the writers, so all
 * three are measured alike. Only warm JVMs are measured: on two cores a JVM spends its first half minute under
 * load compiling (JIT compilation took as much CPU as Ferry's copying), and a producer, a broker or Ferry runs for
 * months, not for its first seconds. Ferry's cold figure, over the warm-up, is reported beside. What each JVM's JIT
 * compilers and collector still take in a phase is counted apart ({@link ProcessCpu}).
 */
public final class Bench {

    static final String TOPIC = "bench";
    private static final String CEILING_TOPIC = "bench-ceiling";
    private static final String NAIVE_TOPIC = "bench-naive";
    private static final String RAW_TOPIC = "bench-raw";
    /** The quiet topic's rate of the live load (msg/s), beside the live rate. */
    static final int LOW_RATE = 100;

    /**
     * What to run.
     *
     * @param messages         messages of each round (written into the source, written as the ceiling, copied by
     *                         Ferry) and of the naive relay
     * @param warmupMessages   the backlog Ferry starts on, copied before anything is measured: its JIT warms up on
     *                         it, as the producer's and the brokers' do on it
     * @param rounds           measured rounds of ceiling and Ferry side by side
     * @param naiveSeconds     the naive relay stops after this long if it has not relayed them all
     * @param liveRate         messages per second of the live load
     * @param liveSeconds      how long the live load runs
     * @param outageSeconds    how long the target is down (0: no outage run)
     * @param rttMillis        the round trip to a far cluster, twice its proxy's one-way delay (0: no proxies,
     *                         no far phases)
     * @param ferryHeap        Ferry's maximum heap, as for -Xmx
     * @param clusterHeap      each cluster's maximum heap
     * @param out              where the JSON, the chart, the logs and the clusters' stores go
     * @param profile          whether Ferry records a Java Flight Recording of the run
     * @param brokerProperties further settings of both brokers, as in broker.conf
     * @param ferryJvmOptions  further options of Ferry's JVM (a garbage collector, say)
     * @param delivery         the backup's delivery
     * @param copySettings     keys of the config's {@code copy} section (Ferry checks them as it loads the file)
     */
    public record Options(int messages, int warmupMessages, int rounds, int bodyBytes, int queues, int naiveSeconds,
                          int liveRate, int liveSeconds, int outageSeconds, int rttMillis, String ferryHeap,
                          String clusterHeap,
                          Path out, boolean profile, Map<String, String> brokerProperties,
                          List<String> ferryJvmOptions, String delivery, Map<String, String> copySettings) {
    }

    private final Options options;
    private final PrintStream out;
    private final BenchMessages messages;
    /** The processes of the run, whose CPU time each phase reports. */
    private final ProcessCpu cpu = new ProcessCpu().withJvmParts("bench", ProcessHandle.current().pid());
    /** Ferry over its warm-up, from a cold JVM; null without one. */
    private BenchReport.Throughput cold;

    public Bench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.messages = new BenchMessages(options.bodyBytes());
    }

    /** Runs everything; returns the report, also written to {@code out/bench.json} and {@code out/bench.svg}. */
    public BenchReport run(String command) throws Exception {
        Path work = options.out().toAbsolutePath();
        Files.createDirectories(work);
        String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Machine machine = Machine.describe();
        say("machine: " + machine.summary());
        say(String.format("run: a %,d-message warm-up, then %d rounds of %,d messages of %,d bytes over %d queues;"
                + " live %,d msg/s for %d s; target down %d s; far clusters %s", options.warmupMessages(),
            options.rounds(), options.messages(), options.bodyBytes(), options.queues(), options.liveRate(),
            options.liveSeconds(), options.outageSeconds(),
            far() ? options.rttMillis() + " ms round trip away" : "not measured"));
        ClusterProcess.Builder source = cluster("bench-source");
        ClusterProcess.Builder target = cluster("bench-target");
        try (ClusterProcess sourceCluster = source.start(); ClusterProcess targetCluster = target.start();
             ClusterAdmin sourceAdmin = ClusterAdmin.connect(config("source", sourceCluster));
             ClusterAdmin targetAdmin = ClusterAdmin.connect(config("target", targetCluster));
             StoreCount sourceCount = new StoreCount(sourceCluster);
             StoreCount targetCount = new StoreCount(targetCluster)) {
            cpu.with("source broker", sourceCluster.pid()).with("target broker", targetCluster.pid());
            sourceAdmin.ensureTopic(TOPIC, options.queues());
            sourceAdmin.ensureTopic(NAIVE_TOPIC, options.queues());
            for (String topic : List.of(TOPIC, CEILING_TOPIC, NAIVE_TOPIC, RAW_TOPIC)) {
                targetAdmin.ensureTopic(topic, options.queues());
            }
            Thread.sleep(1_000); // routes reach the NameServers

            Path ferryConfig = writeFerryConfig(work, sourceCluster, targetCluster);
            List<String> jvm = new ArrayList<>(options.ferryJvmOptions());
            if (options.profile()) {
                jvm.add("-XX:StartFlightRecording=filename=" + work.resolve("ferry.jfr") + ",settings=profile");
            }
            try (FastWriter toSource = new FastWriter(sourceCluster.namesrvAddr(), "fill", messages);
                 FastWriter toTarget = new FastWriter(targetCluster.namesrvAddr(), "ceiling", messages)) {
                long warmup = options.warmupMessages();
                if (warmup > 0) {
                    say(String.format("warm-up: %,d messages into the source ...", warmup));
                    stored(sourceCount, TOPIC, () -> toSource.write(TOPIC, "warmup", warmup), warmup);
                }
                BenchReport.Throughput naive = naive(sourceCluster, targetCluster, sourceCount, targetCount, toSource);
                try (FerryChild ferry = startFerry(targetCount, ferryConfig, work, jvm)) {
                    List<BenchReport.Round> rounds = new ArrayList<>();
                    Far far = far() ? new Far(sourceCluster.proxy(), targetCluster.proxy()) : null;
                    for (int round = 1; round <= options.rounds(); round++) {
                        rounds.add(round(round, sourceCount, targetCount, toSource, toTarget, ferry, far));
                    }
                    BenchReport.Throughput fill = BenchReport.Throughput.combined(
                        rounds.stream().map(BenchReport.Round::fill).toList());
                    BenchReport.Throughput ceiling = BenchReport.Throughput.combined(
                        rounds.stream().map(BenchReport.Round::ceiling).toList());
                    BenchReport.Throughput caughtUp = BenchReport.Throughput.combined(
                        rounds.stream().map(BenchReport.Round::ferry).toList());
                    BenchReport.Throughput sourceFar = far == null ? null : BenchReport.Throughput.combined(
                        rounds.stream().map(BenchReport.Round::sourceFar).toList());
                    BenchReport.Throughput targetFar = far == null ? null : BenchReport.Throughput.combined(
                        rounds.stream().map(BenchReport.Round::targetFar).toList());
                    BenchReport.Throughput readingAlone = readingAlone(sourceCluster, ferry);
                    double ferryCpu = caughtUp.cpuSeconds().getOrDefault("Ferry", -1.0);
                    double cpuPerMillion = ferryCpu < 0 ? -1 : ferryCpu / (caughtUp.messages() / 1e6);

                    List<BenchReport.Live> live = live(sourceCluster, targetCluster, targetAdmin,
                        far() ? sourceCluster.proxy() : null);
                    // After the live loads: run before them, the gigabyte it writes into the target was followed by
                    // a p99 delay of 600 ms at 100 msg/s on loopback (6-13 ms in the runs without it there).
                    BenchReport.Throughput rawRelay = rawRelay(sourceCluster, targetCluster, targetCount, ferry);
                    BenchReport.Outage outage = options.outageSeconds() > 0
                        ? outage(sourceCluster, targetCluster, sourceAdmin, targetAdmin, ferry) : null;
                    long peakHeap = ferry.since(0).stream().mapToLong(Stat::heapUsed).max().orElse(0);
                    long peakRss = ferry.since(0).stream().mapToLong(Stat::peakRss).max().orElse(-1);
                    BenchReport.Cost cost = new BenchReport.Cost(cpuPerMillion, peakHeap / MIB,
                        peakRss < 0 ? -1 : peakRss / MIB, options.ferryHeap());
                    BenchReport report = new BenchReport(command, startedAt, machine, options, fill, ceiling, naive,
                        caughtUp, sourceFar, targetFar, cold, rounds, cost, live, outage, readingAlone, rawRelay);
                    write(report, work);
                    return report;
                }
            }
        }
    }

    /**
     * The naive relay, on a topic of its own filled with a round's count of the same messages, before Ferry
     * starts: it has the machine to itself.
     */
    private BenchReport.Throughput naive(ClusterProcess source, ClusterProcess target, StoreCount sourceCount,
                                         StoreCount targetCount, FastWriter toSource) throws Exception {
        say("naive relay: lite-pull + a synchronous send per message ...");
        long n = options.messages();
        stored(sourceCount, NAIVE_TOPIC, () -> toSource.write(NAIVE_TOPIC, "naive", n), n);
        NaiveRelay relay = new NaiveRelay();
        BenchReport.Throughput naive = stored(targetCount, NAIVE_TOPIC, () -> relay.relay(source.namesrvAddr(),
            NAIVE_TOPIC, target.namesrvAddr(), NAIVE_TOPIC, n, Duration.ofSeconds(options.naiveSeconds())), -1)
            .window();
        say(String.format("  naive relay: %,d relayed, %,.0f msg/s", naive.messages(), naive.perSecond()));
        return naive;
    }

    /**
     * Starts Ferry on the warm-up backlog and returns once it copied it all, its JIT warm. On two cores a JVM
     * spends its first half minute under load compiling: that is not what a replicator that runs for months
     * costs, and the producer the ceiling is written with is warm too.
     */
    private FerryChild startFerry(StoreCount targetCount, Path config, Path work, List<String> jvm) throws Exception {
        long warmup = options.warmupMessages();
        say(String.format("Ferry: starting, catching up the %,d-message backlog (its warm-up) ...", warmup));
        FerryChild[] started = new FerryChild[1];
        try {
            Counted counted = stored(targetCount, TOPIC, () -> {
                started[0] = FerryChild.start(config, work.resolve("ferry"), options.ferryHeap(), 1_000, jvm);
                cpu.withJvmParts("Ferry", started[0].pid());
            }, warmup);
            if (warmup > 0) {
                cold = counted.window();
                say(String.format("  Ferry from a cold JVM: %,.0f msg/s", cold.perSecond()));
            }
            return started[0];
        } catch (Exception e) {
            if (started[0] != null) {
                started[0].close();
            }
            throw e;
        }
    }

    /**
     * One measured round, on a warm machine: with Ferry paused (SIGSTOP), the same producer writes the round's
     * messages into the source and then, as the ceiling, into the target; then Ferry resumes and catches up the
     * round's backlog. Ceiling and Ferry run seconds apart, so a machine whose speed drifts (a shared VM) moves
     * both alike.
     */
    private BenchReport.Round round(int round, StoreCount sourceCount, StoreCount targetCount, FastWriter toSource,
                                    FastWriter toTarget, FerryChild ferry, Far far) throws Exception {
        long n = options.messages();
        String run = "round-" + round;
        say(String.format("round %d of %d: %,d messages", round, options.rounds(), n));
        BenchReport.Throughput fill;
        BenchReport.Throughput ceiling;
        ferry.pause();
        try {
            fill = stored(sourceCount, TOPIC, () -> toSource.write(TOPIC, run, n), n).window();
            ceiling = stored(targetCount, CEILING_TOPIC, () -> toTarget.write(CEILING_TOPIC, run, n), n).window();
        } catch (Exception e) {
            ferry.resume();
            throw e;
        }
        BenchReport.Throughput caughtUp = stored(targetCount, TOPIC, ferry::resume, n).window();
        say(String.format("  ceiling %,.0f msg/s, Ferry %,.0f msg/s (%.0f%%)", ceiling.perSecond(),
            caughtUp.perSecond(), 100 * caughtUp.perSecond() / ceiling.perSecond()));
        if (far == null) {
            return new BenchReport.Round(fill, ceiling, caughtUp, null, null);
        }
        BenchReport.Throughput sourceFar = farCatchUp("source", far.source(), run, sourceCount, targetCount, toSource,
            ferry);
        BenchReport.Throughput targetFar = farCatchUp("target", far.target(), run, sourceCount, targetCount, toSource,
            ferry);
        say(String.format("  source far: Ferry %,.0f msg/s (%.0f%% of loopback); target far: %,.0f msg/s (%.0f%%)",
            sourceFar.perSecond(), 100 * sourceFar.perSecond() / caughtUp.perSecond(), targetFar.perSecond(),
            100 * targetFar.perSecond() / caughtUp.perSecond()));
        return new BenchReport.Round(fill, ceiling, caughtUp, sourceFar, targetFar);
    }

    /**
     * RocketMQ's push consumer alone reading the naive relay's topic (a round's count of the same messages) from its
     * start, with Ferry paused: what reading costs the client, beside the producer's writing.
     */
    private BenchReport.Throughput readingAlone(ClusterProcess source, FerryChild ferry) throws Exception {
        say("reading alone: RocketMQ's push consumer, a listener that only counts ...");
        long n = options.messages();
        ferry.pause();
        try (ReadingAlone reader = new ReadingAlone()) {
            BenchReport.Throughput read = counted(NAIVE_TOPIC, reader.read::get,
                () -> reader.start(source.namesrvAddr(), NAIVE_TOPIC), n).window();
            say(String.format("  read %,.0f msg/s", read.perSecond()));
            return read;
        } finally {
            ferry.resume();
        }
    }

    /**
     * The raw relay ({@link RawRelay}) copying the naive relay's topic into a topic of its own, with Ferry paused:
     * the least a copier spends with RocketMQ's remoting client, beside Ferry's copying. It copies the topic twice
     * and the second time is measured: Ferry is measured warm, so is the floor it is set against.
     */
    private BenchReport.Throughput rawRelay(ClusterProcess source, ClusterProcess target, StoreCount targetCount,
                                            FerryChild ferry) throws Exception {
        say("raw relay: pulled bytes re-framed into batches, nothing decoded (once to warm up, once measured) ...");
        ferry.pause();
        try {
            relayOnce(source, target, targetCount);
            BenchReport.Throughput relayed = relayOnce(source, target, targetCount);
            say(String.format("  relayed %,.0f msg/s", relayed.perSecond()));
            return relayed;
        } finally {
            ferry.resume();
        }
    }

    private BenchReport.Throughput relayOnce(ClusterProcess source, ClusterProcess target, StoreCount targetCount)
        throws Exception {
        try (RawRelay relay = new RawRelay()) {
            BenchReport.Throughput relayed = stored(targetCount, RAW_TOPIC, () -> relay.start(source.namesrvAddr(),
                NAIVE_TOPIC, target.namesrvAddr(), RAW_TOPIC), options.messages()).window();
            if (relay.failure() != null) {
                throw new IllegalStateException("the raw relay failed: " + relay.failure(), relay.failure());
            }
            return relayed;
        }
    }

    /** The proxies in front of the source and the target. */
    private record Far(DelayProxy source, DelayProxy target) {
    }

    private boolean far() {
        return options.rttMillis() > 0;
    }

    /**
     * Ferry catching up a round's backlog with one cluster far away: with Ferry paused, the producer writes the
     * backlog into the source at 0 ms (the producer is not what is measured); then that cluster's proxy delays
     * each way by half the round trip, and Ferry resumes. Back to 0 ms afterwards.
     */
    private BenchReport.Throughput farCatchUp(String which, DelayProxy proxy, String run, StoreCount sourceCount,
                                              StoreCount targetCount, FastWriter toSource, FerryChild ferry)
        throws Exception {
        long n = options.messages();
        ferry.pause();
        try {
            stored(sourceCount, TOPIC, () -> toSource.write(TOPIC, run + "-" + which + "-far", n), n);
            proxy.delay(Duration.ofNanos(Duration.ofMillis(options.rttMillis()).toNanos() / 2));
        } catch (Exception e) {
            ferry.resume();
            throw e;
        }
        try {
            return stored(targetCount, TOPIC, ferry::resume, n).window();
        } finally {
            proxy.delay(Duration.ZERO);
        }
    }

    private static final long MIB = 1024 * 1024;

    private ClusterProcess.Builder cluster(String name) {
        // A throwaway store (killed and deleted at the end): hundreds of MiB nobody reads again.
        ClusterProcess.Builder builder = ClusterProcess.builder(name).heap(options.clusterHeap());
        if (far()) {
            builder.behindDelayProxy();
        }
        builder
            // Big enough for the run without a file roll every few thousand messages.
            .brokerProperty("mappedFileSizeCommitLog", Integer.toString(256 * 1024 * 1024))
            .brokerProperty("mappedFileSizeConsumeQueue", Integer.toString(300_000 * 20))
            // A send may wait up to 1 s in the broker's queue before "busy" (default 200 ms): the ceiling's bursts
            // on two shared cores would otherwise spend their time retrying.
            .brokerProperty("waitTimeMillsInSendQueue", "1000");
        options.brokerProperties().forEach(builder::brokerProperty);
        return builder;
    }

    private static ClusterConfig config(String name, ClusterProcess cluster) {
        return new ClusterConfig(name, cluster.namesrvAddr(), null, null, Map.of(), false);
    }

    private Path writeFerryConfig(Path work, ClusterProcess source, ClusterProcess target) throws Exception {
        Path file = work.resolve("ferry-bench.yaml");
        Files.writeString(file, """
            clusters:
              source: {namesrv: "%s"}
              target: {namesrv: "%s"}
            backups:
              - {name: bench, source: source, target: target, topics: [%s], delivery: %s}
            %s""".formatted(namesrvOfFerry(source), namesrvOfFerry(target), TOPIC, options.delivery(), copySection()),
            StandardCharsets.UTF_8);
        return file;
    }

    /** The {@code copy} section of Ferry's config, from {@code --copy KEY=VALUE}; empty without any. */
    private String copySection() {
        if (options.copySettings().isEmpty()) {
            return "";
        }
        StringBuilder section = new StringBuilder("copy:\n");
        options.copySettings().forEach((key, value) -> section.append("  ").append(key).append(": ").append(value)
            .append('\n'));
        return section.toString();
    }

    /** Behind its proxy, where a far cluster's NameServer is far too. */
    private String namesrvOfFerry(ClusterProcess cluster) {
        return far() ? cluster.proxiedNamesrvAddr() : cluster.namesrvAddr();
    }

    private interface Work {
        void run() throws Exception;
    }

    /** What the store counted while a phase ran: its samples, each with the processes' CPU time. */
    private record Counted(List<Sampler.Point> points, long from, long goal) {
        /** The phase from the last sample that saw {@code from} stored (the one before its work) to its goal. */
        BenchReport.Throughput window() {
            return Bench.window(points, from, goal);
        }
    }

    /**
     * Runs {@code work} while counting what {@code topic} stores, until it holds {@code messages} more than before
     * the work (with -1: what it holds when the work returns).
     */
    private Counted stored(StoreCount count, String topic, Work work, long messages) throws Exception {
        return counted(topic, () -> count.of(topic), work, messages);
    }

    /**
     * Runs {@code work} while sampling {@code counter}, until it counts {@code messages} more than before the work
     * (with -1: what it counts when the work returns).
     */
    private Counted counted(String name, Sampler.Counter counter, Work work, long messages) throws Exception {
        // Sampled every 200 ms, and waited on through the samples: counting costs CPU the measured share.
        try (Sampler sampler = new Sampler(name, 200, counter, cpu::now)) {
            // The sampler's first sample, taken before the work starts, is where the phase counts from.
            long from = sampler.latest() >= 0 ? sampler.latest() : counter.get();
            work.run();
            long until = messages >= 0 ? from + messages : counter.get();
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
            long lastSaid = System.currentTimeMillis();
            long counted;
            while ((counted = sampler.latest()) < until) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(
                        name + ": " + counted + " of " + until + " messages after 10 minutes");
                }
                if (System.currentTimeMillis() - lastSaid > 5_000) {
                    say(String.format("  ... %,d of %,d", counted, until));
                    lastSaid = System.currentTimeMillis();
                }
                Thread.sleep(50);
            }
            return new Counted(sampler.points(), from, until);
        }
    }

    /**
     * The throughput from the last sample that saw at most {@code from} stored to the first that saw {@code goal},
     * and the CPU each process used between those two samples.
     */
    static BenchReport.Throughput window(List<Sampler.Point> points, long from, long goal) {
        Sampler.Point first = points.stream().filter(p -> p.value() <= from).reduce((a, b) -> b)
            .orElse(points.get(0));
        Sampler.Point last = points.stream().filter(p -> p.value() >= goal).findFirst().orElseThrow();
        List<Sampler.Point> stretch = points.stream()
            .filter(p -> p.millis() >= first.millis() && p.millis() <= last.millis())
            .map(p -> new Sampler.Point(p.millis() - first.millis(), p.value() - from)).toList();
        return BenchReport.Throughput.of(goal - from, last.millis() - first.millis(), Sampler.rates(stretch, 500),
            ProcessCpu.between(first.cpu(), last.cpu()));
    }

    static long count(ClusterAdmin admin, List<MessageQueue> queues) throws Exception {
        long total = 0;
        for (MessageQueue queue : queues) {
            total += admin.maxOffset(queue);
        }
        return total;
    }

    /**
     * Ferry's delay under steady loads: {@value #LOW_RATE} msg/s (a quiet topic, where a copier that waits to fill
     * batches would show) and the live rate, on loopback and, with a round trip, with the source far (Ferry in the
     * target's region, its pulls held at the far broker until a message arrives).
     */
    private List<BenchReport.Live> live(ClusterProcess source, ClusterProcess target, ClusterAdmin targetAdmin,
                                        DelayProxy sourceProxy) throws Exception {
        List<Integer> rates = options.liveRate() > LOW_RATE ? List.of(LOW_RATE, options.liveRate())
            : List.of(options.liveRate());
        List<BenchReport.Live> live = new ArrayList<>();
        for (int rate : rates) {
            live.add(liveAt(rate, 0, source, target, targetAdmin));
        }
        if (sourceProxy != null) {
            sourceProxy.delay(Duration.ofNanos(Duration.ofMillis(options.rttMillis()).toNanos() / 2));
            try {
                for (int rate : rates) {
                    live.add(liveAt(rate, options.rttMillis(), source, target, targetAdmin));
                }
            } finally {
                sourceProxy.delay(Duration.ZERO);
            }
        }
        return live;
    }

    private BenchReport.Live liveAt(int rate, int rttMillis, ClusterProcess source, ClusterProcess target,
                                    ClusterAdmin targetAdmin) throws Exception {
        say(String.format("Ferry under live load: %,d msg/s for %d s%s ...", rate, options.liveSeconds(),
            rttMillis == 0 ? "" : ", the source " + rttMillis + " ms round trip away"));
        List<MessageQueue> queues = targetAdmin.queues(TOPIC);
        Map<MessageQueue, Long> from = new HashMap<>();
        for (MessageQueue queue : queues) {
            from.put(queue, targetAdmin.maxOffset(queue));
        }
        long before = count(targetAdmin, queues);
        long sent;
        String run = "live-" + rate + "-" + rttMillis;
        try (LiveLoad load = new LiveLoad(source.namesrvAddr(), messages)) {
            sent = load.run(TOPIC, run, rate, options.liveSeconds());
        }
        awaitCount(targetAdmin, queues, before + sent, "the live load's copies");
        Map<String, Long> strays = new java.util.TreeMap<>();
        long[] delays = delays(target.namesrvAddr(), from, run, sent, strays);
        long strayCount = strays.values().stream().mapToLong(Long::longValue).sum();
        Delays summary = Delays.of(delays);
        say(String.format("  delay: p50 %d ms, p99 %d ms, max %d ms over %,d messages", summary.p50(), summary.p99(),
            summary.max(), summary.count()));
        if (strayCount > 0) {
            say(String.format("  NOTE: %,d copies of messages of earlier phases reached the target during this one"
                + " (copied late, or copied twice), by phase: %s; not counted as this phase's delays", strayCount,
                strays));
        }
        return new BenchReport.Live(rate, rttMillis, options.liveSeconds(), sent, delays.length, summary, strayCount);
    }

    /**
     * Each copy's delay: its store time on the target minus its origin's store time, which Ferry carries. Only copies
     * of this phase's own messages ({@code run}) count; copies of earlier phases' messages that arrive meanwhile are
     * counted in {@code strays} by their phase instead: taken as this phase's, they would stand in for its last
     * messages.
     */
    private static long[] delays(String targetNamesrv, Map<MessageQueue, Long> from, String run, long expected,
                                 Map<String, Long> strays) throws Exception {
        try (OffsetReader reader = new OffsetReader(targetNamesrv, "ferry-bench-delays", from)) {
            long[] delays = new long[(int) expected];
            int read = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (read < expected && System.currentTimeMillis() < deadline) {
                for (MessageExt copy : reader.poll()) {
                    String origin = copy.getUserProperty(FerryNames.ORIGIN_TIME);
                    if (origin == null) {
                        continue;
                    }
                    String copyRun = copy.getUserProperty(BenchMessages.RUN);
                    if (!run.equals(copyRun)) {
                        strays.merge(String.valueOf(copyRun), 1L, Long::sum);
                    } else if (read < delays.length) {
                        delays[read++] = copy.getStoreTimestamp() - Long.parseLong(origin);
                    }
                }
            }
            return read == delays.length ? delays : java.util.Arrays.copyOf(delays, read);
        }
    }

    private BenchReport.Outage outage(ClusterProcess source, ClusterProcess target, ClusterAdmin sourceAdmin,
                                      ClusterAdmin targetAdmin, FerryChild ferry) throws Exception {
        // The load runs a while before the target is killed, and as long after it is back.
        int margin = Math.max(2, Math.min(10, options.outageSeconds() / 3));
        int seconds = margin * 2 + options.outageSeconds();
        say(String.format("target down for %d s under %,d msg/s ...", options.outageSeconds(), options.liveRate()));
        List<MessageQueue> targetQueues = targetAdmin.queues(TOPIC);
        List<MessageQueue> sourceQueues = sourceAdmin.queues(TOPIC);
        long from = System.currentTimeMillis();
        long backAt;
        try (LiveLoad load = new LiveLoad(source.namesrvAddr(), messages)) {
            CompletableFuture<Long> traffic = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(TOPIC, "outage", options.liveRate(), seconds);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1L;
                }
            });
            Thread.sleep(margin * 1000L);
            target.kill();
            say("  target killed (SIGKILL)");
            Thread.sleep(options.outageSeconds() * 1000L);
            target.restart();
            backAt = System.currentTimeMillis();
            say("  target back");
            traffic.join();
        }
        long sourceMessages = count(sourceAdmin, sourceQueues);
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
        long drained = -1;
        while (System.currentTimeMillis() < deadline) {
            Stat latest = ferry.latest();
            if (latest != null && latest.time() > backAt && latest.backlog() == 0
                && count(targetAdmin, targetQueues) >= sourceMessages) {
                drained = latest.time();
                break;
            }
            Thread.sleep(100);
        }
        if (drained < 0) {
            throw new IllegalStateException("the backlog did not drain within 5 minutes of the target's return; see "
                + ferry.log());
        }
        List<Stat> during = ferry.since(from);
        long targetMessages = count(targetAdmin, targetQueues);
        BenchReport.Outage outage = new BenchReport.Outage(options.outageSeconds(),
            during.stream().mapToLong(Stat::backlog).max().orElse(0),
            during.stream().mapToLong(Stat::inFlightBytes).max().orElse(0) / (double) MIB,
            CopySettings.DEFAULT.maxInFlightMiB(),
            during.stream().mapToLong(Stat::heapUsed).max().orElse(0) / MIB,
            (drained - backAt) / 1000.0, sourceMessages, targetMessages, targetMessages - sourceMessages);
        say(String.format("  backlog peaked at %,d; in flight at most %.1f MiB (cap %d MiB); heap at most %d MiB;"
                + " drained %.1f s after the target came back; %,d on the source, %,d on the target",
            outage.peakBacklog(), outage.peakInFlightMiB(), outage.inFlightCapMiB(), outage.peakHeapMiB(),
            outage.drainSeconds(), sourceMessages, targetMessages));
        return outage;
    }

    private void awaitCount(ClusterAdmin admin, List<MessageQueue> queues, long goal, String what) throws Exception {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
        while (count(admin, queues) < goal) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + ": " + count(admin, queues) + " of " + goal + " after 5 minutes");
            }
            Thread.sleep(100);
        }
    }

    /** Writes the figures into the generated section of a markdown file (docs/benchmarks.md), chart beside it. */
    public static void updateDocs(BenchReport report, Path doc) throws Exception {
        Markdown.update(doc, report, Chart.svg(report));
    }

    private void write(BenchReport report, Path work) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(work.resolve("bench.json").toFile(), report);
        Files.writeString(work.resolve("bench.svg"), Chart.svg(report), StandardCharsets.UTF_8);
        out.println();
        out.print(Markdown.table(report));
        out.println();
        report.verdicts().forEach(out::println);
        out.println();
        out.println("report: " + work.resolve("bench.json") + ", chart: " + work.resolve("bench.svg"));
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
