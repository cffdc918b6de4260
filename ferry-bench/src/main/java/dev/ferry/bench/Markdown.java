package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The report as text: the table printed at the end of a run, and the figures section of docs/benchmarks.md. */
final class Markdown {

    static final String BEGIN = "<!-- bench:begin (written by bin/ferry bench --docs; edits here are replaced) -->";
    static final String END = "<!-- bench:end -->";

    private Markdown() {
    }

    static String table(BenchReport r) {
        StringBuilder t = new StringBuilder();
        int rounds = r.rounds().size();
        t.append("| what | messages | seconds | msg/s | vs ceiling |\n");
        t.append("|---|---:|---:|---:|---:|\n");
        row(t, "ceiling: fastest producer straight into the target", r.ceiling(), r.ceiling());
        row(t, "naive relay: lite-pull + synchronous send per message", r.naive(), r.ceiling());
        row(t, "Ferry catching up the backlog", r.ferry(), r.ceiling());
        for (int i = 0; i < rounds && rounds > 1; i++) {
            BenchReport.Round round = r.rounds().get(i);
            row(t, String.format(Locale.ROOT, "... round %d: ceiling %,.0f msg/s, Ferry", i + 1,
                round.ceiling().perSecond()), round.ferry(), round.ceiling());
        }
        if (r.sourceFar() != null) {
            int rtt = r.options().rttMillis();
            row(t, String.format(Locale.ROOT, "Ferry catching up, the **source** %d ms round trip away: %.0f%% of"
                + " loopback", rtt, 100 * r.sourceFar().perSecond() / r.ferry().perSecond()), r.sourceFar(), r.ceiling());
            row(t, String.format(Locale.ROOT, "Ferry catching up, the **target** %d ms round trip away: %.0f%% of"
                + " loopback", rtt, 100 * r.targetFar().perSecond() / r.ferry().perSecond()), r.targetFar(), r.ceiling());
        }
        if (r.ferryCold() != null) {
            row(t, String.format(Locale.ROOT, "(Ferry from a cold JVM: the %,d-message warm-up)",
                r.ferryCold().messages()), r.ferryCold(), r.ceiling());
        }
        row(t, "(filling the source, same producer)", r.fill(), r.ceiling());
        if (r.readingAlone() != null) {
            row(t, "(reading alone: RocketMQ's push consumer, a listener that only counts)", r.readingAlone(),
                r.ceiling());
        }
        if (r.rawRelay() != null) {
            row(t, "(the raw relay: pulled bytes re-framed into batches, nothing decoded; no locks, flow control or"
                + " commits)", r.rawRelay(), r.ceiling());
        }
        t.append('\n');
        t.append("CPU seconds per process during each phase (2 cores: twice the phase's seconds are available):\n\n");
        t.append("| phase | ").append(String.join(" | ", r.ferry().cpuSeconds().keySet())).append(" |\n");
        t.append("|---|").append("---:|".repeat(r.ferry().cpuSeconds().size())).append('\n');
        cpuRow(t, "ceiling", r.ceiling(), r.ferry());
        cpuRow(t, "naive relay", r.naive(), r.ferry());
        cpuRow(t, "Ferry catching up", r.ferry(), r.ferry());
        if (r.sourceFar() != null) {
            cpuRow(t, "Ferry catching up, source far", r.sourceFar(), r.ferry());
            cpuRow(t, "Ferry catching up, target far", r.targetFar(), r.ferry());
        }
        if (r.ferryCold() != null) {
            cpuRow(t, "Ferry from a cold JVM", r.ferryCold(), r.ferry());
        }
        if (r.readingAlone() != null) {
            cpuRow(t, "reading alone", r.readingAlone(), r.ferry());
        }
        if (r.rawRelay() != null) {
            cpuRow(t, "raw relay", r.rawRelay(), r.ferry());
        }
        t.append('\n');
        t.append("| Ferry | figure |\n");
        t.append("|---|---:|\n");
        t.append(String.format(Locale.ROOT, "| catch-up vs naive relay | %.1fx |%n", r.ferry().perSecond() / r.naive().perSecond()));
        t.append(String.format(Locale.ROOT, "| CPU per million messages copied | %.1f s |%n", r.cost().cpuSecondsPerMillion()));
        t.append("| ... of which its JIT compiler / its collector | ")
            .append(seconds(BenchReport.perMillion(r.ferry(), "Ferry", ProcessCpu.JIT))).append(" / ")
            .append(seconds(BenchReport.perMillion(r.ferry(), "Ferry", ProcessCpu.GC))).append(" |\n");
        t.append("| the producer's CPU per million written (the ceiling, less the delay proxies' forwarding and the"
            + " sampling), of which its JIT compiler | ").append(seconds(r.producerPerMillion(false))).append(", ")
            .append(seconds(BenchReport.perMillion(r.ceiling(), "bench", ProcessCpu.JIT))).append(" |\n");
        if (r.readingAlone() != null) {
            t.append("| reading alone: the consumer's CPU per million read (less the delay proxies' forwarding and the"
                + " sampling), of which its JIT compiler | ").append(seconds(r.readerPerMillion(false))).append(", ")
                .append(seconds(BenchReport.perMillion(r.readingAlone(), "bench", ProcessCpu.JIT))).append(" |\n");
        }
        if (r.rawRelay() != null) {
            t.append("| the raw relay's CPU per million copied, counted alike (the least a copier spends with RocketMQ's"
                + " remoting client), of which its JIT compiler | ").append(seconds(r.rawRelayPerMillion(false)))
                .append(", ").append(seconds(BenchReport.perMillion(r.rawRelay(), "bench", ProcessCpu.JIT)))
                .append(" |\n");
        }
        t.append("| Ferry / the producer, per message: as measured / without either's JIT compiler | ")
            .append(BenchReport.ratio(r.ferryPerMillion(false), r.producerPerMillion(false))).append(" / ")
            .append(BenchReport.ratio(r.ferryPerMillion(true), r.producerPerMillion(true))).append(" |\n");
        if (r.sourceFar() != null) {
            t.append(String.format(Locale.ROOT, "| ... with the source far / the target far | %.1f s / %.1f s |%n",
                ferryCpuPerMillion(r.sourceFar()), ferryCpuPerMillion(r.targetFar())));
        }
        t.append(String.format(Locale.ROOT, "| peak heap (limit %s) / peak RSS | %d MiB / %s |%n", r.cost().heapLimit(),
            r.cost().peakHeapMiB(), r.cost().peakRssMiB() < 0 ? "n/a" : r.cost().peakRssMiB() + " MiB"));
        for (BenchReport.Live live : r.live()) {
            Delays d = live.delays();
            t.append(String.format(Locale.ROOT, "| delay under %,d msg/s %s for %d s (%,d messages): p50 / p90 / p99 /"
                + " p99.9 / max | %d / %d / %d / %d / %d ms |%n", live.rate(), live.where(), live.seconds(), d.count(),
                d.p50(), d.p90(), d.p99(), d.p999(), d.max()));
        }
        BenchReport.Outage o = r.outage();
        if (o != null) {
            t.append(String.format(Locale.ROOT, "| target down %d s under load: peak backlog | %,d messages |%n",
                o.downSeconds(), o.peakBacklog()));
            t.append(String.format(Locale.ROOT, "| ... in flight at most (cap %d MiB) / heap at most | %.1f MiB / %d MiB |%n",
                o.inFlightCapMiB(), o.peakInFlightMiB(), o.peakHeapMiB()));
            t.append(String.format(Locale.ROOT, "| ... drained after the target's return in | %.1f s |%n", o.drainSeconds()));
            t.append(String.format(Locale.ROOT, "| ... on the source / on the target (copies sent twice) | %,d / %,d (%,d) |%n",
                o.sourceMessages(), o.targetMessages(), o.duplicates()));
        }
        return t.toString();
    }

    /** CPU seconds per million as "1.2 s", or "n/a" when unknown. */
    private static String seconds(double perMillion) {
        return perMillion < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", perMillion);
    }

    private static double ferryCpuPerMillion(BenchReport.Throughput x) {
        double cpu = x.cpuSeconds().getOrDefault("Ferry", -1.0);
        return cpu < 0 ? -1 : cpu / (x.messages() / 1e6);
    }

    private static void cpuRow(StringBuilder t, String phase, BenchReport.Throughput x, BenchReport.Throughput all) {
        t.append("| ").append(phase).append(" (").append(String.format(Locale.ROOT, "%.1f s", x.seconds())).append(") |");
        for (String process : all.cpuSeconds().keySet()) {
            Double seconds = x.cpuSeconds().get(process);
            t.append(' ').append(seconds == null ? "-" : String.format(Locale.ROOT, "%.1f", seconds)).append(" |");
        }
        t.append('\n');
    }

    private static void row(StringBuilder t, String what, BenchReport.Throughput x, BenchReport.Throughput ceiling) {
        t.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.0f%% |%n", what, x.messages(), x.seconds(),
            x.perSecond(), 100 * x.perSecond() / ceiling.perSecond()));
    }

    /** The generated section of docs/benchmarks.md: command, machine, table, verdicts, chart. */
    static String section(BenchReport r, String chartFile) {
        StringBuilder s = new StringBuilder();
        s.append(BEGIN).append("\n\n");
        s.append("Run of ").append(r.startedAt()).append(":\n\n```bash\n").append(r.command()).append("\n```\n\n");
        s.append("Machine: ").append(r.machine().summary()).append(".\n\n");
        s.append(table(r)).append('\n');
        s.append("Targets:\n\n");
        r.verdicts().forEach(v -> s.append("- ").append(v.replaceAll(" {2,}", " ")).append('\n'));
        s.append("\n![throughput over time and delay distribution](").append(chartFile).append(")\n\n");
        s.append(END).append('\n');
        return s.toString();
    }

    /** Replaces the generated section of {@code doc} (or appends one) and writes the chart next to it. */
    static void update(Path doc, BenchReport r, String svg) throws Exception {
        String chartFile = doc.getFileName().toString().replaceFirst("\\.md$", "") + ".svg";
        Files.writeString(doc.resolveSibling(chartFile), svg, StandardCharsets.UTF_8);
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n\n";
        String section = section(r, chartFile);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.writeString(doc, text, StandardCharsets.UTF_8);
    }
}
