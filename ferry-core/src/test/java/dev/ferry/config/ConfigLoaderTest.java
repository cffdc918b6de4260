package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.ferry.config.BackupConfig.Delivery;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> ENVIRONMENT = Map.of("HZ_AK", "ak-1", "HZ_SK", "sk-1", "UNIT", "01",
        "FERRY_HTTP_TOKEN", "t0ken-from-the-environment");

    @TempDir
    Path dir;

    @Test
    void readsEveryKeyOfAFullFile() throws Exception {
        Path file = Path.of("src/test/resources/config/full.yaml");

        FerryConfig config = ConfigLoader.load(file, ENVIRONMENT);

        assertThat(config.file()).isEqualTo(file);
        assertThat(config.clusters()).containsExactly(
            entry("hangzhou", new ClusterConfig("hangzhou", "10.0.0.1:9876;10.0.0.2:9876", "ak-1", "sk-1",
                Map.of("unit", "hz-01", "idc", "0571", "active", "yes", "price", "1.10"), false)),
            entry("shanghai", new ClusterConfig("shanghai", null, null, null, Map.of(), true)),
            entry("beijing-center",
                new ClusterConfig("beijing-center", "namesrv.bj.example.com:9876", null, null, Map.of(), false)));
        assertThat(config.cluster("hangzhou").stamp().keySet()).containsExactly("unit", "idc", "active", "price");
        assertThat(config.backups()).containsExactly(
            new BackupConfig("orders-dr", Mode.TWO_WAY, "hangzhou", "shanghai", List.of("orders", "payments"),
                TopicMapping.SAME, "region = 'east' AND amount > 100", StartFrom.at(Instant.parse("2026-11-25T02:00:00Z")),
                List.of("billing", "audit"), OnError.BLOCK, Delivery.AT_LEAST_ONCE),
            new BackupConfig("aggregate_to_center", Mode.ONE_WAY, "hangzhou", "beijing-center", List.of("orders"),
                TopicMapping.SAME, null, StartFrom.LATEST, List.of(), OnError.DEAD_LETTER, Delivery.EXACTLY_ONCE));
        assertThat(config.http()).isEqualTo(
            new HttpConfig("0.0.0.0", 8080, Optional.of("t0ken-from-the-environment"), false));
        assertThat(config.http().toString()).isEqualTo("0.0.0.0:8080");
    }

    @Test
    void readsATopicMappingWithPlaceholdersAndEnvironmentVariables() throws Exception {
        FerryConfig config = load("""
            clusters:
              unit-a: {namesrv: 127.0.0.1:9876}
              center: {embedded: true}
            backups:
              - {name: agg, source: unit-a, target: center, topics: [orders], targetTopic: "u${UNIT}_${source}_${topic}"}
            """, ENVIRONMENT);

        TopicMapping mapping = config.backup("agg").targetTopic();
        assertThat(mapping.template()).isEqualTo("u01_${source}_${topic}");
        assertThat(mapping.apply("orders", "unit-a", "center")).isEqualTo("u01_unit-a_orders");
        assertThat(TopicMapping.SAME.apply("orders", "unit-a", "center")).isEqualTo("orders");
    }

    @Test
    void leavesOutWhatIsOptional() throws Exception {
        FerryConfig config = load("""
            clusters:
              hangzhou: {namesrv: 127.0.0.1:9876}
              shanghai: {embedded: true}
            backups:
              - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
            """);

        assertThat(config.cluster("hangzhou")).isEqualTo(
            new ClusterConfig("hangzhou", "127.0.0.1:9876", null, null, Map.of(), false));
        assertThat(config.backups()).containsExactly(new BackupConfig("orders-dr", Mode.ONE_WAY, "hangzhou",
            "shanghai", List.of("orders"), TopicMapping.SAME, null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER));
        assertThat(config.http()).isEqualTo(HttpConfig.DEFAULT);
    }

    @Test
    void givesNothingThatCanBeChangedAfterwards() throws Exception {
        FerryConfig config = ConfigLoader.load(Path.of("src/test/resources/config/full.yaml"), ENVIRONMENT);
        BackupConfig backup = config.backup("orders-dr");

        assertThatThrownBy(() -> config.clusters().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.cluster("hangzhou").stamp().clear())
            .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.cluster("shanghai").stamp().put("a", "b"))
            .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.backups().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> backup.topics().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> backup.syncGroups().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void replacesEveryEnvironmentReferenceInAValue() throws Exception {
        FerryConfig config = load("""
            clusters:
              hangzhou:
                namesrv: ${HOST}:${PORT}
                stamp: {both: "${A}-${B}", literal: "$${A}", dollar: "5$ and $A"}
              shanghai: {embedded: "${EMBEDDED}"}
            backups:
              - {name: "${NAME}", source: hangzhou, target: shanghai, topics: ["${TOPIC}"]}
            """,
            Map.of("HOST", "10.0.0.1", "PORT", "9876", "A", "x", "B", "y", "NAME", "orders-dr", "TOPIC", "orders",
                "EMBEDDED", "true"));

        assertThat(config.cluster("hangzhou").namesrv()).isEqualTo("10.0.0.1:9876");
        assertThat(config.cluster("hangzhou").stamp())
            .containsExactly(entry("both", "x-y"), entry("literal", "${A}"), entry("dollar", "5$ and $A"));
        assertThat(config.cluster("shanghai").embedded()).isTrue();
        assertThat(config.backup("orders-dr").topics()).containsExactly("orders");
    }

    @Test
    void takesAnInstantInUtcOrWithAnOffset() throws Exception {
        FerryConfig config = load("""
            clusters:
              hangzhou: {namesrv: 127.0.0.1:9876}
              shanghai: {embedded: true}
            backups:
              - {name: a, source: hangzhou, target: shanghai, topics: [orders], startFrom: 2026-11-25T10:00:00Z}
              - {name: b, source: hangzhou, target: shanghai, topics: [payments],
                 startFrom: 2026-11-25T18:00:00.5+08:00}
            """);

        assertThat(config.backup("a").startFrom()).isEqualTo(StartFrom.at(Instant.parse("2026-11-25T10:00:00Z")));
        assertThat(config.backup("b").startFrom()).isEqualTo(StartFrom.at(Instant.parse("2026-11-25T10:00:00.5Z")));
    }

    @Test
    void letsOneWayBackupsShareATopicAlongDifferentDirections() throws Exception {
        FerryConfig config = load("""
            clusters:
              hangzhou: {namesrv: 127.0.0.1:9876}
              shanghai: {namesrv: 127.0.0.2:9876}
              center: {embedded: true}
            backups:
              - {name: hz-to-sh, source: hangzhou, target: shanghai, topics: [orders]}
              - {name: sh-to-hz, source: shanghai, target: hangzhou, topics: [orders]}
              - {name: hz-to-center, source: hangzhou, target: center, topics: [orders]}
              - {name: sh-to-center, source: shanghai, target: center, topics: [orders]}
            """);

        assertThat(config.backups()).extracting(BackupConfig::name)
            .containsExactly("hz-to-sh", "sh-to-hz", "hz-to-center", "sh-to-center");
    }

    @Test
    void readsTheExampleOfTheDocumentation() throws Exception {
        FerryConfig config = ConfigLoader.load(Path.of("../docs/examples/ferry.yaml"), Map.of());

        assertThat(config.clusters().keySet()).containsExactly("hangzhou", "shanghai");
        assertThat(config.cluster("shanghai").embedded()).isTrue();
        assertThat(config.backups()).singleElement().satisfies(backup -> {
            assertThat(backup.mode()).isEqualTo(Mode.ONE_WAY);
            assertThat(backup.source()).isEqualTo("hangzhou");
            assertThat(backup.target()).isEqualTo("shanghai");
        });
    }

    @Test
    void readsTheActiveActiveExample() throws Exception {
        FerryConfig config = ConfigLoader.load(Path.of("../docs/examples/active-active.yaml"), Map.of());

        assertThat(config.backups()).singleElement().satisfies(backup -> {
            assertThat(backup.mode()).isEqualTo(Mode.TWO_WAY);
            assertThat(backup.topics()).containsExactly("trades");
        });
        assertThat(config.cluster("hangzhou").stamp()).containsEntry("region", "hz");
    }

    @Test
    void readsTheAggregationExample() throws Exception {
        FerryConfig config = ConfigLoader.load(Path.of("../docs/examples/aggregation.yaml"), Map.of(
            "UNIT_A_NAMESRV", "10.0.1.1:9876", "UNIT_B_NAMESRV", "10.0.2.1:9876", "CENTER_NAMESRV", "10.0.9.1:9876"));

        assertThat(config.backups()).hasSize(2).allSatisfy(backup -> assertThat(backup.target()).isEqualTo("center"));
        assertThat(config.backup("unit-b-to-center").targetTopic().apply("orders", "unit-b", "center"))
            .isEqualTo("unit-b_orders");
    }

    private FerryConfig load(String yaml) throws IOException, ConfigException {
        return load(yaml, Map.of());
    }

    private FerryConfig load(String yaml, Map<String, String> environment) throws IOException, ConfigException {
        return ConfigLoader.load(Files.writeString(dir.resolve("ferry.yaml"), yaml), environment);
    }
}
