package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelaysTest {

    @Test
    void percentilesAreNearestRanks() {
        long[] millis = new long[100];
        for (int i = 0; i < 100; i++) {
            millis[i] = 100 - i; // 100 .. 1, unsorted
        }
        Delays delays = Delays.of(millis);
        assertThat(delays.count()).isEqualTo(100);
        assertThat(delays.p50()).isEqualTo(50);
        assertThat(delays.p90()).isEqualTo(90);
        assertThat(delays.p99()).isEqualTo(99);
        assertThat(delays.p999()).isEqualTo(100);
        assertThat(delays.max()).isEqualTo(100);
    }

    @Test
    void bucketsCountEveryFigureOnce() {
        Delays delays = Delays.of(new long[] {0, 1, 2, 3, 7, 100, 101, 4_000, 60_000});
        assertThat(delays.bucketCounts()).containsExactly(2, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1);
        assertThat(java.util.Arrays.stream(delays.bucketCounts()).sum()).isEqualTo(9);
    }

    @Test
    void noFiguresNoPercentiles() {
        Delays delays = Delays.of(new long[0]);
        assertThat(delays.count()).isZero();
        assertThat(delays.p99()).isZero();
    }

    @Test
    void ratesAreMessagesPerSecondOverWindows() {
        List<Sampler.Point> points = List.of(new Sampler.Point(0, 0), new Sampler.Point(250, 100),
            new Sampler.Point(500, 500), new Sampler.Point(1_000, 1_500), new Sampler.Point(1_400, 1_600));
        List<double[]> rates = Sampler.rates(points, 500);
        assertThat(rates).hasSize(2);
        assertThat(rates.get(0)).containsExactly(0.5, 1_000.0);
        assertThat(rates.get(1)).containsExactly(1.0, 2_000.0);
    }

    @Test
    void aWindowRunsFromTheLastSampleAtItsStartToTheFirstAtItsGoal() {
        List<Sampler.Point> points = List.of(point(0, 0, 1.0), point(200, 0, 1.5),
            point(400, 300, 2.0), point(600, 500, 2.5), point(800, 900, 3.0),
            point(1_000, 1_000, 4.0), point(1_200, 1_000, 4.5));
        BenchReport.Throughput whole = Bench.window(points, 0, 1_000);
        assertThat(whole.messages()).isEqualTo(1_000);
        assertThat(whole.seconds()).isEqualTo(0.8);
        assertThat(whole.cpuSeconds()).containsEntry("broker", 2.5);
        // After 500 of warm-up: from the sample that saw 500 (600 ms) to the one that saw 1,000 (1,000 ms).
        BenchReport.Throughput measured = Bench.window(points, 500, 1_000);
        assertThat(measured.messages()).isEqualTo(500);
        assertThat(measured.seconds()).isEqualTo(0.4);
        assertThat(measured.perSecond()).isEqualTo(1_250.0);
        assertThat(measured.cpuSeconds()).containsEntry("broker", 1.5);
    }

    @Test
    void roundsCombineEndToEnd() {
        BenchReport.Throughput one = new BenchReport.Throughput(1_000, 2.0, 500, List.<double[]>of(new double[] {1.0, 400},
            new double[] {2.0, 600}), Map.of("Ferry", 1.5, "broker", -1.0));
        BenchReport.Throughput two = new BenchReport.Throughput(1_000, 0.5, 2_000, List.<double[]>of(new double[] {0.5, 2_000}),
            Map.of("Ferry", 0.5, "broker", 1.0));
        BenchReport.Throughput both = BenchReport.Throughput.combined(List.of(one, two));
        assertThat(both.messages()).isEqualTo(2_000);
        assertThat(both.seconds()).isEqualTo(2.5);
        assertThat(both.perSecond()).isEqualTo(800.0);
        assertThat(both.rates()).extracting(r -> r[0]).containsExactly(1.0, 2.0, 2.5);
        assertThat(both.cpuSeconds()).containsEntry("Ferry", 2.0).as("unknown stays unknown").containsEntry("broker", -1.0);
    }

    private static Sampler.Point point(long millis, long value, double brokerCpu) {
        return new Sampler.Point(millis, value, Map.of("broker", brokerCpu));
    }

    @Test
    void statLinesRoundTrip() {
        Stat stat = new Stat(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Stat.parse(stat.line())).isEqualTo(stat);
        assertThat(Stat.parse("12:00:00 INFO something else")).isNull();
    }
}
