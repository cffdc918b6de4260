package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark, small (a few thousand messages, seconds of load, a short outage), on real clusters:
 * checks that what it measures adds up — counts, delays, the report files — never how fast anything is.
 */
class SmallBenchTest {

    @TempDir
    Path dir;

    @Test
    void everyPhaseCountsWhatItMovedAndTheReportSaysSo() throws Exception {
        Bench.Options options = new Bench.Options(3_000, 1_000, 2, 256, 4, 60, 500, 2, 3, 20, "128m", "256m", dir.resolve("out"), false,
            Map.of(), List.of(), "exactly-once", Map.of("pullsInFlight", "4", "commitInterval", "500ms"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchReport report = new Bench(options, new PrintStream(printed, true, StandardCharsets.UTF_8))
            .run("bin/ferry bench --messages 3000 --rtt-ms 20");
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        // Two rounds of 3,000: into the source, as the ceiling, copied by Ferry (on loopback, then with the source
        // far, then with the target far, 3,000 more into the source each time); the relay moves 3,000.
        assertThat(report.rounds()).hasSize(2);
        for (BenchReport.Round round : report.rounds()) {
            assertThat(round.fill().messages()).isEqualTo(3_000);
            assertThat(round.ceiling().messages()).isEqualTo(3_000);
            assertThat(round.ferry().messages()).isEqualTo(3_000);
            assertThat(round.sourceFar().messages()).isEqualTo(3_000);
            assertThat(round.targetFar().messages()).isEqualTo(3_000);
            assertThat(round.sourceFarOfLoopback()).isPositive();
            assertThat(round.targetFarOfLoopback()).isPositive();
        }
        assertThat(report.sourceFar().messages()).isEqualTo(6_000);
        assertThat(report.targetFar().messages()).isEqualTo(6_000);
        assertThat(report.sourceFar().cpuSeconds()).containsKey("Ferry");
        assertThat(report.targetFar().cpuSeconds()).containsKey("Ferry");
        assertThat(report.fill().messages()).isEqualTo(6_000);
        assertThat(report.ceiling().messages()).isEqualTo(6_000);
        assertThat(report.ferry().messages()).isEqualTo(6_000);
        assertThat(report.ferry().seconds()).isEqualTo(
            report.rounds().get(0).ferry().seconds() + report.rounds().get(1).ferry().seconds(), within(1e-9));
        assertThat(report.naive().messages()).as("the relay copies them all well within its minute").isEqualTo(3_000);
        assertThat(report.ferryCold().messages()).as("the warm-up, from a cold JVM").isEqualTo(1_000);
        for (BenchReport.Throughput t : new BenchReport.Throughput[] {report.fill(), report.ceiling(), report.naive(),
            report.ferry(), report.sourceFar(), report.targetFar(), report.ferryCold()}) {
            assertThat(t.seconds()).isPositive();
            assertThat(t.perSecond()).isCloseTo(t.messages() / t.seconds(), within(1e-6));
        }
        assertThat(report.ceiling().cpuSeconds()).containsKeys("bench", "source broker", "target broker")
            .as("Ferry is frozen while the ceiling is written").containsEntry("Ferry", 0.0);
        assertThat(report.ferry().cpuSeconds()).containsKey("Ferry")
            .as("its JIT compilers and its collector, counted apart too").containsKeys("Ferry JIT", "Ferry GC");
        assertThat(report.ceiling().cpuSeconds()).containsKeys("bench JIT", "bench GC");
        assertThat(report.readingAlone().messages()).as("the naive relay's topic, read by a consumer alone")
            .isEqualTo(3_000);
        assertThat(report.readingAlone().cpuSeconds()).containsKey("bench").containsEntry("Ferry", 0.0);
        assertThat(report.rawRelay().messages()).as("the naive relay's topic, copied by the raw relay")
            .isEqualTo(3_000);
        assertThat(report.rawRelay().cpuSeconds()).containsKey("bench").containsEntry("Ferry", 0.0);
        assertThat(report.cost().cpuSecondsPerMillion()).isPositive();
        assertThat(report.cost().peakHeapMiB()).isPositive().isLessThanOrEqualTo(128);

        // 100 and 500 msg/s for 2 s, on loopback and with the source far: every message sent is copied, and each
        // copy has a delay.
        assertThat(report.live()).extracting(BenchReport.Live::rate, BenchReport.Live::rttMillis)
            .containsExactly(tuple(100, 0), tuple(500, 0), tuple(100, 20), tuple(500, 20));
        for (BenchReport.Live live : report.live()) {
            assertThat(live.sent()).isEqualTo(live.rate() * 2L);
            assertThat(live.copied()).isEqualTo(live.sent());
            Delays delays = live.delays();
            assertThat(delays.count()).isEqualTo(live.sent());
            assertThat(delays.p50()).isNotNegative().isLessThanOrEqualTo(delays.p99());
            assertThat(delays.p99()).isLessThanOrEqualTo(delays.max());
            assertThat(java.util.Arrays.stream(delays.bucketCounts()).sum()).isEqualTo(live.sent());
        }
        long liveSent = report.live().stream().mapToLong(BenchReport.Live::sent).sum();

        // The outage: 2 s of load, 3 s down, 2 s more, at 500 msg/s; all of it on the target afterwards.
        BenchReport.Outage outage = report.outage();
        assertThat(outage.sourceMessages()).isEqualTo(1_000 + 2 * 3 * 3_000 + liveSent + 500 * 7);
        assertThat(outage.targetMessages()).isGreaterThanOrEqualTo(outage.sourceMessages());
        assertThat(outage.duplicates()).isEqualTo(outage.targetMessages() - outage.sourceMessages());
        assertThat(outage.peakBacklog()).isPositive();
        assertThat(outage.drainSeconds()).isNotNegative();

        Path out = dir.resolve("out");
        JsonNode json = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(json.path("ferry").path("messages").asLong()).isEqualTo(6_000);
        assertThat(json.path("rounds")).hasSize(2);
        assertThat(json.path("sourceFar").path("messages").asLong()).isEqualTo(6_000);
        assertThat(json.path("options").path("rttMillis").asInt()).isEqualTo(20);
        assertThat(json.path("live")).hasSize(4);
        assertThat(json.path("live").path(1).path("delays").path("p99").asLong())
            .isEqualTo(report.live().get(1).delays().p99());
        assertThat(json.path("machine").path("cores").asInt()).isPositive();
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve("bench.svg").toFile());
        assertThat(output).contains("| Ferry catching up the backlog | 6,000 |").contains("| ... round 2: ceiling ").contains("held:").contains("bench.json");
        assertThat(output).contains("| Ferry catching up, the **source** 20 ms round trip away: ")
            .contains("| Ferry catching up, the **target** 20 ms round trip away: ");
        assertThat(report.verdicts()).hasSize(10);
        assertThat(report.verdicts().get(7)).contains("Ferry's CPU per message copied").contains("(target <= 1.5x");
        assertThat(report.verdicts().get(3)).contains("p99 delay").contains("at 100 msg/s on loopback (target <= 100 ms)");
        assertThat(report.verdicts().get(6)).contains("at 500 msg/s with the source 20 ms round trip away (target <= 120 ms)");
        assertThat(report.verdicts().get(8)).contains("catch-up with the source 20 ms round trip away").containsPattern("rounds: \\d+%, \\d+%\\)");
        assertThat(report.verdicts().get(0)).as("every round's ratio is shown").containsPattern("rounds: \\d+%, \\d+%\\)");

        // The docs section is replaced, not appended, on a second run.
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nHow to read the figures.\n");
        Bench.updateDocs(report, doc);
        Bench.updateDocs(report, doc);
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Benchmarks\n\nHow to read the figures.\n").contains("bin/ferry bench --messages 3000");
        assertThat(text.split(java.util.regex.Pattern.quote(Markdown.BEGIN), -1)).hasSize(2);
        assertThat(dir.resolve("benchmarks.svg")).exists();
    }
}
