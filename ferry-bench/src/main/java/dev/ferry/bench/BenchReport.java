package dev.ferry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured; written as JSON, printed as a table, and rendered into docs/benchmarks.md.
 *
 * @param command   the command line that produced it
 * @param fill      the producer writing the rounds' messages into the source
 * @param ceiling   the producer writing them straight into the target, all rounds together
 * @param ferry     Ferry catching up the rounds' backlogs, all rounds together
 * @param sourceFar Ferry catching up with the source a round trip away, all rounds together; null without one
 * @param targetFar the same with the target far; null without a round trip
 * @param ferryCold Ferry over the warm-up backlog from its JVM's start; null without a warm-up
 * @param rounds    ceiling and Ferry round by round
 * @param live      Ferry under steady loads: a low rate and the live rate, on loopback and (with a round trip)
 *                  with the source far
 * @param readingAlone RocketMQ's push consumer reading a round's count of the same messages, doing nothing with them
 *                  (Ferry paused): what reading alone costs the client
 * @param rawRelay  the raw relay ({@link RawRelay}) copying them (Ferry paused): the least a copier spends with
 *                  RocketMQ's remoting client
 */
public record BenchReport(String command, String startedAt, Machine machine, Bench.Options options, Throughput fill,
                   Throughput ceiling, Throughput naive, Throughput ferry, Throughput sourceFar, Throughput targetFar,
                   Throughput ferryCold, List<Round> rounds,
                   Cost cost, List<Live> live, Outage outage, Throughput readingAlone, Throughput rawRelay) {

    /**
     * One measured round: the source filled, the ceiling written, then Ferry catching up, seconds apart; with a
     * round trip, then Ferry catching up as much again with the source far, and with the target far (else null).
     */
    public record Round(Throughput fill, Throughput ceiling, Throughput ferry, Throughput sourceFar,
                        Throughput targetFar) {
        public double ofCeiling() {
            return ferry.perSecond() / ceiling.perSecond();
        }

        /** The catch-up with the source far against the same round's on loopback. */
        public double sourceFarOfLoopback() {
            return sourceFar.perSecond() / ferry.perSecond();
        }

        /** The catch-up with the target far against the same round's on loopback. */
        public double targetFarOfLoopback() {
            return targetFar.perSecond() / ferry.perSecond();
        }
    }

    /**
     * Messages written or copied in a phase and how long it took.
     *
     * @param rates      messages per second over time, {@code [seconds, rate]}, for the chart
     * @param cpuSeconds CPU seconds each process of the run used during the phase (bench, brokers, Ferry)
     */
    public record Throughput(long messages, double seconds, double perSecond, List<double[]> rates,
                             Map<String, Double> cpuSeconds) {

        static Throughput of(long messages, long millis, List<double[]> rates, Map<String, Double> cpuSeconds) {
            double seconds = Math.max(1, millis) / 1000.0;
            return new Throughput(messages, seconds, messages / seconds, rates, cpuSeconds);
        }

        /** Phases one after the other: their messages, seconds and CPU added up, their rates end to end. */
        static Throughput combined(List<Throughput> phases) {
            long messages = 0;
            double seconds = 0;
            List<double[]> rates = new ArrayList<>();
            Map<String, Double> cpu = new LinkedHashMap<>();
            for (Throughput phase : phases) {
                for (double[] rate : phase.rates()) {
                    rates.add(new double[] {seconds + rate[0], rate[1]});
                }
                messages += phase.messages();
                seconds += phase.seconds();
                phase.cpuSeconds().forEach((process, used) -> cpu.merge(process, used,
                    (a, b) -> a < 0 || b < 0 ? -1 : Math.round((a + b) * 10) / 10.0));
            }
            return new Throughput(messages, seconds, messages / seconds, rates, cpu);
        }
    }

    /**
     * What Ferry cost while it caught up: CPU per million messages, and its memory, peak over the whole run.
     */
    public record Cost(double cpuSecondsPerMillion, long peakHeapMiB, long peakRssMiB, String heapLimit) {
    }

    /**
     * Ferry under a steady load: delay from the source's store time to the target's, per message.
     *
     * @param rttMillis the round trip between Ferry and the source: 0 on loopback
     * @param sent      messages the load sent (and the source took)
     */
    /**
     * @param strays copies of an earlier phase's messages that reached the target during this phase (copied late or
     *               twice): not among its delays
     */
    public record Live(int rate, int rttMillis, int seconds, long sent, long copied, Delays delays, long strays) {

        /** The most a p99 delay may be: 100 ms, plus the round trip when the source is far. */
        public long p99TargetMillis() {
            return 100L + rttMillis;
        }

        public String where() {
            return rttMillis == 0 ? "on loopback" : "with the source " + rttMillis + " ms round trip away";
        }
    }

    /**
     * CPU seconds per million messages of a process's threads in a phase ({@code part}: {@code ""} for all of them,
     * or {@link ProcessCpu#JIT}, {@link ProcessCpu#GC}, {@link ProcessCpu#PROXY}, {@link ProcessCpu#SAMPLING}); 0 for a
     * part not counted, -1 when
     * the process's CPU is unknown.
     */
    static double perMillion(Throughput phase, String process, String part) {
        double total = phase.cpuSeconds().getOrDefault(process, -1.0);
        if (total < 0) {
            return -1;
        }
        double seconds = part.isEmpty() ? total : phase.cpuSeconds().getOrDefault(process + part, 0.0);
        return seconds < 0 ? -1 : seconds / (phase.messages() / 1e6);
    }

    /**
     * The producer's CPU per million messages it wrote in the ceiling: the bench process's, less its delay proxies'
     * forwarding and its samplers'; {@code withoutJit}: less its JIT compilers' too.
     */
    public double producerPerMillion(boolean withoutJit) {
        return benchPerMillion(ceiling, withoutJit);
    }

    /**
     * The bench process's CPU per million in a phase, less its proxies' and samplers' (and its JIT's); -1 when
     * unknown.
     */
    private static double benchPerMillion(Throughput phase, boolean withoutJit) {
        return less(perMillion(phase, "bench", ""), perMillion(phase, "bench", ProcessCpu.PROXY),
            perMillion(phase, "bench", ProcessCpu.SAMPLING),
            withoutJit ? perMillion(phase, "bench", ProcessCpu.JIT) : 0);
    }

    /** {@code all} less the parts; -1 when any is unknown. */
    private static double less(double all, double... parts) {
        double left = all;
        for (double part : parts) {
            if (part < 0) {
                return -1;
            }
            left -= part;
        }
        return all < 0 ? -1 : left;
    }

    /** {@code a / b} as "2.5x", or "n/a" unless both are known and above 0. */
    static String ratio(double a, double b) {
        return a > 0 && b > 0 ? String.format(java.util.Locale.ROOT, "%.1fx", a / b) : "n/a";
    }

    /**
     * The reading consumer's CPU per million messages it read: the bench process's, less its delay proxies'
     * forwarding and its samplers'; {@code withoutJit}: less its JIT compilers' too. -1 without the phase.
     */
    public double readerPerMillion(boolean withoutJit) {
        return readingAlone == null ? -1 : benchPerMillion(readingAlone, withoutJit);
    }

    /**
     * The raw relay's CPU per million messages it copied, counted as the reader's is; -1 without the phase. It runs in
     * the bench process, so both brokers' work is not in it, as it is not in Ferry's.
     */
    public double rawRelayPerMillion(boolean withoutJit) {
        return rawRelay == null ? -1 : benchPerMillion(rawRelay, withoutJit);
    }

    /** Ferry's CPU per million messages it copied catching up on loopback; {@code withoutJit}: less its JIT's. */
    public double ferryPerMillion(boolean withoutJit) {
        return less(perMillion(ferry, "Ferry", ""), withoutJit ? perMillion(ferry, "Ferry", ProcessCpu.JIT) : 0);
    }

    /** The live load at the live rate on loopback: the delay the chart shows. */
    public Live mainLive() {
        return live.stream().filter(l -> l.rttMillis() == 0 && l.rate() == options.liveRate()).findFirst()
            .orElse(live.get(0));
    }

    /**
     * Ferry with the target down under load: memory stays bounded, nothing is lost, the backlog drains.
     *
     * @param duplicates copies beyond the source's count: batches the target stored but could not acknowledge
     *                   when it died, sent again
     */
    public record Outage(int downSeconds, long peakBacklog, double peakInFlightMiB, long inFlightCapMiB, long peakHeapMiB,
                  double drainSeconds, long sourceMessages, long targetMessages, long duplicates) {
    }

    /** The targets, each as held or not, with the figures behind it. */
    public List<String> verdicts() {
        double ofCeiling = ferry.perSecond() / ceiling.perSecond();
        double ofNaive = ferry.perSecond() / naive.perSecond();
        List<String> verdicts = new ArrayList<>(List.of(
            verdict(ofCeiling >= 0.85, String.format("catch-up at %.0f%% of the ceiling (target >= 85%%; rounds: %s)",
                100 * ofCeiling, String.join(", ", rounds.stream()
                    .map(r -> String.format("%.0f%%", 100 * r.ofCeiling())).toList()))),
            verdict(ofNaive >= 3, String.format("catch-up %.1fx the naive relay (target >= 3x)", ofNaive)),
            verdict(cost.peakHeapMiB() < 256 && (outage == null || outage.peakHeapMiB() < 256), String.format(
                "peak heap %d MiB with a %,d-message backlog%s (target < 256 MiB)", cost.peakHeapMiB(),
                Math.max(options.warmupMessages(), options.messages()),
                outage == null ? "" : ", " + outage.peakHeapMiB() + " MiB with the target down"))));
        for (Live l : live) {
            verdicts.add(verdict(l.delays().p99() <= l.p99TargetMillis(), String.format(
                "p99 delay %d ms at %,d msg/s %s (target <= %d ms)", l.delays().p99(), l.rate(), l.where(),
                l.p99TargetMillis())));
        }
        double ratio = ferryPerMillion(false) / producerPerMillion(false);
        if (ferryPerMillion(false) > 0 && producerPerMillion(false) > 0) {
            verdicts.add(verdict(ratio <= 1.5, String.format("Ferry's CPU per message copied %.1fx the producer's per"
                    + " message written (target <= 1.5x; %.1f s and %.1f s per million; without either's JIT compiler:"
                    + " %s)", ratio, ferryPerMillion(false), producerPerMillion(false),
                ratio(ferryPerMillion(true), producerPerMillion(true)))
                + (readerPerMillion(false) > 0 ? String.format("; reading alone costs RocketMQ's consumer %.1f s per"
                + " million, writing and reading together %.1f s", readerPerMillion(false),
                readerPerMillion(false) + producerPerMillion(false)) : "")
                + (rawRelayPerMillion(false) > 0 ? String.format("; the raw relay, copying without decoding, %.1f s",
                rawRelayPerMillion(false)) : "")));
        } else {
            verdicts.add(verdict(false, "Ferry's CPU per message copied against the producer's: not measured (too"
                + " few messages for /proc's 1/100 s, or no /proc) (target <= 1.5x)"));
        }
        if (sourceFar != null) {
            verdicts.add(farVerdict("source", sourceFar, Round::sourceFarOfLoopback));
            verdicts.add(farVerdict("target", targetFar, Round::targetFarOfLoopback));
        }
        return verdicts;
    }

    private String farVerdict(String which, Throughput far, java.util.function.ToDoubleFunction<Round> ofLoopback) {
        double ratio = far.perSecond() / ferry.perSecond();
        return verdict(ratio >= 0.8, String.format("catch-up with the %s %d ms round trip away at %.0f%% of loopback"
                + " (target >= 80%%; rounds: %s)", which, options.rttMillis(), 100 * ratio, String.join(", ",
            rounds.stream().map(r -> String.format("%.0f%%", 100 * ofLoopback.applyAsDouble(r))).toList())));
    }

    private static String verdict(boolean held, String what) {
        return (held ? "held:     " : "NOT held: ") + what;
    }
}
