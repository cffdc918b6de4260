package dev.ferry.config;

import static dev.ferry.config.BackupConfigTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Copy tuning and the checkpoint interval: typed, within limits, and set in the file's {@code copy} section. */
class CopySettingsTest {

    private static final String FILE = """
        clusters:
          hangzhou: {namesrv: 127.0.0.1:9876}
          shanghai: {embedded: true}
        backups:
          - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
        """;

    @TempDir
    Path dir;

    @Test
    void theDefaultsAreThoseOfTheDocumentation() {
        CopySettings defaults = CopySettings.DEFAULT;

        assertThat(defaults.batchMessages()).isEqualTo(1024);
        assertThat(defaults.batchBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(defaults.maxInFlightMiB()).isEqualTo(64);
        assertThat(defaults.sendTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.retryMaxDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.blockedRetry()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.pullsInFlight()).isEqualTo(32);
        assertThat(defaults.sendConnections()).isEqualTo(2);
    }

    @Test
    void refusesEachValueOutOfItsRangeNamingTheKey() {
        assertRefused(() -> settings(0, 1024, 64, "3s"), "batchMessages",
            "batchMessages: 0 is out of range (1 to 1024)");
        assertRefused(() -> settings(1025, 1024, 64, "3s"), "batchMessages",
            "batchMessages: 1025 is out of range (1 to 1024)");
        assertRefused(() -> settings(128, 1023, 64, "3s"), "batchBytes",
            "batchBytes: 1023 is out of range (1024 to 16777216)");
        assertRefused(() -> settings(128, 1024, 0, "3s"), "maxInFlightMiB",
            "maxInFlightMiB: 0 is out of range (1 to 16384)");
        assertRefused(() -> settings(128, 1024, 64, "99ms"), "sendTimeout",
            "sendTimeout: 99ms is out of range (100ms to 1m)");
        assertRefused(() -> CopySettings.DEFAULT.withBlockedRetry(Duration.ofMillis(-1)), "blockedRetry",
            "blockedRetry: -1ms is out of range (100ms to 1h)");
        assertRefused(() -> new CopySettings(128, 1024, 64, Duration.ofSeconds(3), Duration.ofMinutes(11),
            Duration.ofSeconds(10), Duration.ofSeconds(1), 8, 2), "retryMaxDelay",
            "retryMaxDelay: 11m is out of range (100ms to 10m)");
        assertRefused(() -> new CopySettings(128, 1024, 64, Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofMinutes(6), 8, 2), "commitInterval",
            "commitInterval: 6m is out of range (100ms to 5m)");
        assertRefused(() -> CopySettings.DEFAULT.withPullsInFlight(0), "pullsInFlight",
            "pullsInFlight: 0 is out of range (1 to 64)");
        assertRefused(() -> new CopySettings(128, 1024, 64, Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), 8, 17), "sendConnections",
            "sendConnections: 17 is out of range (1 to 16)");
    }

    @Test
    void readsTheCopySectionAndTheCheckpointInterval() throws Exception {
        FerryConfig config = load(FILE + """
            copy:
              batchMessages: 256
              batchBytes: 2097152
              maxInFlightMiB: 128
              sendTimeout: 10s
              retryMaxDelay: 1m
              blockedRetry: 500ms
              commitInterval: 2s
              pullsInFlight: 16
              sendConnections: 4
            checkpointInterval: 1h
            """);

        assertThat(config.copy()).isEqualTo(new CopySettings(256, 2 * 1024 * 1024, 128, Duration.ofSeconds(10),
            Duration.ofMinutes(1), Duration.ofMillis(500), Duration.ofSeconds(2), 16, 4));
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void takesTheDefaultOfEveryKeyLeftOut() throws Exception {
        FerryConfig config = load(FILE + "copy: {sendTimeout: 10s}\n");

        assertThat(config.copy()).isEqualTo(new CopySettings(1024, 4 * 1024 * 1024, 64, Duration.ofSeconds(10),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 32, 2));
        assertThat(config.checkpointInterval()).isEqualTo(FerryConfig.DEFAULT_CHECKPOINT_INTERVAL);
        assertThat(load(FILE).copy()).isEqualTo(CopySettings.DEFAULT);
    }

    @Test
    void takesValuesFromTheEnvironment() throws Exception {
        FerryConfig config = ConfigLoader.load(Files.writeString(dir.resolve("ferry.yaml"),
            FILE + "copy: {batchMessages: \"${BATCH}\", sendTimeout: \"${TIMEOUT}\"}\n"),
            Map.of("BATCH", "64", "TIMEOUT", "20s"));

        assertThat(config.copy().batchMessages()).isEqualTo(64);
        assertThat(config.copy().sendTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
            arguments("copy as a single value", "copy: fast\n",
                "copy: expected a map of batchMessages, batchBytes, maxInFlightMiB, sendTimeout, retryMaxDelay,"
                    + " blockedRetry, commitInterval, pullsInFlight, sendConnections, e.g. {sendTimeout: 10s}, found 'fast'"),
            arguments("unknown copy key", "copy: {sendTimeoutMillis: 3000}\n",
                "copy.sendTimeoutMillis: unknown key (allowed: batchMessages, batchBytes, maxInFlightMiB, sendTimeout,"
                    + " retryMaxDelay, blockedRetry, commitInterval, pullsInFlight, sendConnections)"),
            arguments("a size that is not a number", "copy: {batchBytes: 1MiB}\n",
                "copy.batchBytes: expected a whole number, found '1MiB'"),
            arguments("a size too large for a number", "copy: {batchBytes: 99999999999}\n",
                "copy.batchBytes: '99999999999' is too large a number"),
            arguments("a size out of range", "copy: {batchMessages: 2048}\n",
                "copy.batchMessages: 2048 is out of range (1 to 1024)"),
            arguments("a duration without a unit", "copy: {sendTimeout: 3000}\n",
                "copy.sendTimeout: expected a duration (a whole number and ms, s, m or h, e.g. 500ms, 3s or 1m),"
                    + " found '3000'"),
            arguments("an ISO-8601 duration", "copy: {commitInterval: PT1S}\n",
                "copy.commitInterval: expected a duration (a whole number and ms, s, m or h, e.g. 500ms, 3s or 1m),"
                    + " found 'PT1S'"),
            arguments("a duration out of range", "copy: {sendTimeout: 5m}\n",
                "copy.sendTimeout: 5m is out of range (100ms to 1m)"),
            arguments("a duration of zero", "copy: {blockedRetry: 0s}\n",
                "copy.blockedRetry: 0ms is out of range (100ms to 1h)"),
            arguments("a checkpoint interval out of range", "checkpointInterval: 10ms\n",
                "checkpointInterval: 10ms is out of range (100ms to 1h)"),
            arguments("a checkpoint interval as a list", "checkpointInterval: [5s]\n",
                "checkpointInterval: expected a single value, found a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void refusesWithOneLineNamingFileKeyAndProblem(String what, String section, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), FILE + section);

        ConfigException problem = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertThat(problem).as("a ConfigException").isNotNull();
        assertThat(problem.getMessage()).isEqualTo(file + ": " + expected);
    }

    @Test
    void writesDurationsInTheUnitAnOperatorWould() {
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(DurationText.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(DurationText.parse("3 s")).isEmpty();
    }

    private static CopySettings settings(int batchMessages, int batchBytes, int maxInFlightMiB, String sendTimeout) {
        return new CopySettings(batchMessages, batchBytes, maxInFlightMiB, DurationText.parse(sendTimeout).orElseThrow(),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 8, 2);
    }

    private FerryConfig load(String yaml) throws IOException, ConfigException {
        return ConfigLoader.load(Files.writeString(dir.resolve("ferry.yaml"), yaml), Map.of());
    }
}
