package dev.ferry.config;

import static dev.ferry.config.BackupConfigTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.BackupConfig.OnError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What involves several records is checked where they come together, whoever builds the configuration. */
class FerryConfigTest {

    private static final ClusterConfig HANGZHOU = new ClusterConfig("hangzhou", "127.0.0.1:9876", null, null,
        Map.of(), false);
    private static final ClusterConfig SHANGHAI = new ClusterConfig("shanghai", null, null, null, Map.of(), true);

    @Test
    void holdsTheDefaultsOfWhatTheFileLeavesOut() {
        FerryConfig config = config(List.of(oneWay("orders-dr", "hangzhou", "shanghai", "orders")));

        assertThat(config.copy()).isEqualTo(CopySettings.DEFAULT);
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.withCheckpointInterval(Duration.ofSeconds(1)).checkpointInterval())
            .isEqualTo(Duration.ofSeconds(1));
        assertThat(config.withCopy(CopySettings.DEFAULT.withMaxInFlightMiB(1)).copy().maxInFlightMiB()).isEqualTo(1);
    }

    @Test
    void refusesABackupBetweenUnknownClusters() {
        assertRefused(() -> config(List.of(oneWay("orders-dr", "hangzhou", "shanghai", "orders"),
                oneWay("payments-dr", "hz", "shanghai", "payments"))), "backups[1].source",
            "backups[1].source: unknown cluster 'hz' (known: hangzhou, shanghai)");
        assertRefused(() -> config(List.of(oneWay("orders-dr", "hangzhou", "beijing", "orders"))),
            "backups[0].target", "backups[0].target: unknown cluster 'beijing' (known: hangzhou, shanghai)");
    }

    @Test
    void refusesTwoBackupsOfOneName() {
        assertRefused(() -> config(List.of(oneWay("orders-dr", "hangzhou", "shanghai", "orders"),
                oneWay("orders-dr", "hangzhou", "shanghai", "payments"))), "backups[1].name",
            "backups[1].name: duplicate backup name 'orders-dr' (also backups[0])");
    }

    @Test
    void refusesATopicCopiedTwiceAlongOneDirection() {
        BackupConfig twoWay = new BackupConfig("orders-aa", Mode.TWO_WAY, "hangzhou", "shanghai", List.of("orders"),
            TopicMapping.SAME, null, StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);

        assertRefused(() -> config(List.of(twoWay, oneWay("orders-back", "shanghai", "hangzhou", "orders"))),
            "backups[1].topics[0]", "backups[1].topics[0]: backups 'orders-aa' and 'orders-back' both copy topic"
                + " 'orders' from shanghai to hangzhou (every message would arrive twice)");
    }

    @Test
    void letsBackupsShareATopicAlongDifferentDirections() {
        FerryConfig config = config(List.of(oneWay("there", "hangzhou", "shanghai", "orders"),
            oneWay("back", "shanghai", "hangzhou", "orders")));

        assertThat(config.backups()).hasSize(2);
    }

    @Test
    void letsEachClusterShowAClientCertificateOfItsOwn() {
        ClusterConfig a = withCertificate("a", "/etc/ferry/a.pem");
        ClusterConfig b = withCertificate("b", "/etc/ferry/b.pem");
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        clusters.put("a", a);
        clusters.put("b", b);

        FerryConfig config = new FerryConfig(Path.of("ferry.yaml"), clusters, List.of(), HttpConfig.DEFAULT);

        assertThat(config.clusters().values()).extracting(c -> c.tls().orElseThrow().certPath().orElseThrow())
            .containsExactly(Path.of("/etc/ferry/a.pem"), Path.of("/etc/ferry/b.pem"));
    }

    @Test
    void refusesAClusterUnderAnotherName() {
        assertRefused(() -> new FerryConfig(Path.of("ferry.yaml"), Map.of("hz", HANGZHOU), List.of(),
            HttpConfig.DEFAULT), "clusters.hz", "clusters.hz: holds the cluster named 'hangzhou'");
    }

    @Test
    void refusesACheckpointIntervalOutOfRange() {
        FerryConfig config = config(List.of(oneWay("orders-dr", "hangzhou", "shanghai", "orders")));

        assertRefused(() -> config.withCheckpointInterval(Duration.ofMillis(50)), "checkpointInterval",
            "checkpointInterval: 50ms is out of range (100ms to 1h)");
        assertRefused(() -> config.withCheckpointInterval(Duration.ofHours(2)), "checkpointInterval",
            "checkpointInterval: 2h is out of range (100ms to 1h)");
    }

    private static FerryConfig config(List<BackupConfig> backups) {
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        clusters.put("hangzhou", HANGZHOU);
        clusters.put("shanghai", SHANGHAI);
        return new FerryConfig(Path.of("ferry.yaml"), clusters, backups, HttpConfig.DEFAULT);
    }

    private static BackupConfig oneWay(String name, String source, String target, String topic) {
        return new BackupConfig(name, Mode.ONE_WAY, source, target, List.of(topic), TopicMapping.SAME, null,
            StartFrom.EARLIEST, List.of(), OnError.DEAD_LETTER);
    }

    private static ClusterConfig withCertificate(String name, String certPath) {
        return new ClusterConfig(name, "127.0.0.1:9876", null, null, Map.of(), false, Optional.of(new ClusterTls(
            Optional.empty(), Optional.of(Path.of(certPath)), Optional.of(Path.of(certPath + ".key")))));
    }
}
