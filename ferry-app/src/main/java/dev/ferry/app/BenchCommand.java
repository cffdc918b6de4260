package dev.ferry.app;

import dev.ferry.bench.Bench;
import dev.ferry.bench.BenchReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry bench}: see {@link Bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Starts two RocketMQ clusters as child JVMs and measures, on the same messages: the ceiling (the"
        + " fastest producer straight into the target), a naive relay, Ferry catching up a backlog (also with the"
        + " source, then the target, a round trip away), Ferry under live"
        + " load (delay p50/p99/max), and Ferry with the target down. Prints a table; writes JSON and an SVG chart"
        + " to --out, and the figures to docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--messages", defaultValue = "500000", description = "messages of each measured round (into the"
        + " source, as the ceiling into the target, copied by Ferry) and of the naive relay"
        + " (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--warmup-messages", defaultValue = "1500000", description = "the backlog Ferry starts on, copied"
        + " before anything is measured so that every JVM of the run is warm (default: ${DEFAULT-VALUE})")
    int warmupMessages;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds of ceiling and Ferry side by side"
        + " (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--body-bytes", defaultValue = "1024", description = "body size (default: ${DEFAULT-VALUE})")
    int bodyBytes;

    @Option(names = "--queues", defaultValue = "8", description = "queues of the topic (default: ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--naive-seconds", defaultValue = "60",
        description = "the naive relay stops after this long (default: ${DEFAULT-VALUE})")
    int naiveSeconds;

    @Option(names = "--live-rate", defaultValue = "5000", description = "msg/s of the live load (default: ${DEFAULT-VALUE})")
    int liveRate;

    @Option(names = "--live-seconds", defaultValue = "30", description = "how long the live load runs (default: ${DEFAULT-VALUE})")
    int liveSeconds;

    @Option(names = "--outage-seconds", defaultValue = "30",
        description = "how long the target is down under load; 0 to skip (default: ${DEFAULT-VALUE})")
    int outageSeconds;

    @Option(names = "--rtt-ms", defaultValue = "50", description = "round trip to a far cluster: each round also"
        + " measures Ferry's catch-up with the source that far away and with the target that far away, each cluster"
        + " behind a delay proxy of its own; 0 to skip (default: ${DEFAULT-VALUE})")
    int rttMillis;

    @Option(names = "--ferry-heap", defaultValue = "256m", description = "Ferry's -Xmx (default: ${DEFAULT-VALUE})")
    String ferryHeap;

    @Option(names = "--cluster-heap", defaultValue = "1g", description = "each cluster's -Xmx (default: ${DEFAULT-VALUE})")
    String clusterHeap;

    @Option(names = "--out", paramLabel = "DIR", description = "JSON, chart, logs and stores (default: target/bench"
        + " in Ferry's folder)")
    Path out;

    @Option(names = "--docs", paramLabel = "FILE", description = "the markdown file whose figures section is replaced"
        + " (default: docs/benchmarks.md in Ferry's folder)")
    Path docs;

    @Option(names = "--no-docs", description = "leave docs/benchmarks.md alone")
    boolean noDocs;

    @Option(names = "--broker-property", paramLabel = "KEY=VALUE",
        description = "a setting of both brokers, as in broker.conf (repeatable)")
    Map<String, String> brokerProperties = new LinkedHashMap<>();

    @Option(names = "--copy", paramLabel = "KEY=VALUE",
        description = "a key of the config's copy section, e.g. pullsInFlight=8, to compare settings (repeatable)")
    Map<String, String> copySettings = new LinkedHashMap<>();

    @Option(names = "--ferry-jvm-option", paramLabel = "OPTION",
        description = "an option of Ferry's JVM, e.g. -XX:+UseSerialGC (repeatable)")
    List<String> ferryJvmOptions = new ArrayList<>();

    @Option(names = "--profile", description = "record Ferry's catch-up with Java Flight Recorder (ferry.jfr in --out)")
    boolean profile;

    @Option(names = "--delivery", defaultValue = "exactly-once", paramLabel = "MODE",
        description = "the backup's delivery: exactly-once or at-least-once, to compare what exactly-once costs"
            + " (default: ${DEFAULT-VALUE})")
    String delivery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (messages <= 0 || warmupMessages < 0 || rounds <= 0 || bodyBytes <= 0 || queues <= 0 || liveRate <= 0
            || liveSeconds <= 0 || naiveSeconds <= 0 || outageSeconds < 0 || rttMillis < 0) {
            throw new Failures.BadInput("ferry bench: counts, sizes, rates and durations must be positive"
                + " (--outage-seconds, --warmup-messages and --rtt-ms may be 0)");
        }
        if (!delivery.equals("exactly-once") && !delivery.equals("at-least-once")) {
            throw new Failures.BadInput("ferry bench: --delivery is exactly-once or at-least-once, not '" + delivery
                + "'");
        }
        Path home = Path.of(System.getProperty("ferry.home", "."));
        Path outDir = out != null ? out : home.resolve("target").resolve("bench");
        Path doc = docs != null ? docs : home.resolve("docs").resolve("benchmarks.md");
        PrintStream stdout = System.out;
        Bench.Options options = new Bench.Options(messages, warmupMessages, rounds, bodyBytes, queues, naiveSeconds,
            liveRate, liveSeconds, outageSeconds, rttMillis, ferryHeap, clusterHeap, outDir, profile, brokerProperties,
            ferryJvmOptions, delivery, copySettings);
        // The parse result holds the whole command line, the subcommand's name included.
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<String> own = args.subList(args.indexOf("bench") + 1, args.size());
        String command = "bin/ferry bench" + (own.isEmpty() ? "" : " " + String.join(" ", own));
        BenchReport report = new Bench(options, stdout).run(command);
        if (!noDocs) {
            if (doc.getParent() != null) {
                Files.createDirectories(doc.getParent());
            }
            Bench.updateDocs(report, doc);
            stdout.println("figures written to " + doc);
        }
        return ExitCodes.OK;
    }
}
