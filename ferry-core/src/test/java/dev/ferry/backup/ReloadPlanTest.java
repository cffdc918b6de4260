package dev.ferry.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.config.SigningKey;
import dev.ferry.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a reload does, decided from the running and the new configuration alone (no broker). */
class ReloadPlanTest {

    private static final List<ClusterConfig> CLUSTERS = List.of(TestConfigs.cluster("a", "127.0.0.1:1"),
        TestConfigs.cluster("b", "127.0.0.1:2"), TestConfigs.cluster("c", "127.0.0.1:3"));
    private static final BackupConfig ORDERS = TestConfigs.oneWay("orders-dr", "a", "b", List.of("orders"));
    private static final BackupConfig PAYMENTS = TestConfigs.oneWay("payments-dr", "a", "c", List.of("payments"));
    private static final BackupConfig AUDIT = TestConfigs.oneWay("audit-dr", "b", "c", List.of("audit"));
    private static final FerryConfig RUNNING = TestConfigs.config(CLUSTERS, List.of(ORDERS, PAYMENTS));

    @Test
    void theSameFileChangesNothing() {
        ReloadPlan plan = ReloadPlan.between(RUNNING, TestConfigs.config(CLUSTERS, List.of(ORDERS, PAYMENTS)));
        assertThat(plan.changesNothing()).isTrue();
        assertThat(plan.needsProcessRestart()).isEmpty();
        assertThat(plan.keep()).containsExactly("orders-dr", "payments-dr");
        assertThat(plan).hasToString("nothing changed (2 backup(s) run on untouched)");
    }

    @Test
    void anAddedBackupStartsARemovedOneStopsTheOthersGoOn() {
        ReloadPlan plan = ReloadPlan.between(RUNNING, TestConfigs.config(CLUSTERS, List.of(ORDERS, AUDIT)));
        assertThat(plan.start()).containsExactly("audit-dr");
        assertThat(plan.stop()).containsExactly("payments-dr");
        assertThat(plan.restart()).isEmpty();
        assertThat(plan.keep()).containsExactly("orders-dr");
        assertThat(plan).hasToString("started [audit-dr]; stopped [payments-dr]; untouched [orders-dr]");
    }

    @Test
    void aBackupWhoseEntryChangedRestartsAlone() {
        BackupConfig moreTopics = TestConfigs.oneWay("orders-dr", "a", "b", List.of("orders", "refunds"));
        ReloadPlan plan = ReloadPlan.between(RUNNING, TestConfigs.config(CLUSTERS, List.of(moreTopics, PAYMENTS)));
        assertThat(plan.restart()).containsExactly(Map.entry("orders-dr", "its entry under backups changed"));
        assertThat(plan.keep()).containsExactly("payments-dr");
        assertThat(plan.start()).isEmpty();
        assertThat(plan.stop()).isEmpty();
    }

    @Test
    void aChangedClusterRestartsOnlyTheBackupsThatUseIt() {
        List<ClusterConfig> newB = List.of(CLUSTERS.get(0), TestConfigs.cluster("b", "127.0.0.1:2",
            Map.of("unit", "b-01")), CLUSTERS.get(2));
        ReloadPlan plan = ReloadPlan.between(RUNNING, TestConfigs.config(newB, List.of(ORDERS, PAYMENTS)));
        assertThat(plan.restart()).containsExactly(Map.entry("orders-dr", "cluster 'b' changed"));
        assertThat(plan.keep()).containsExactly("payments-dr");

        // A cluster no backup uses may come and go freely.
        List<ClusterConfig> withSpare = List.of(CLUSTERS.get(0), CLUSTERS.get(1), CLUSTERS.get(2),
            TestConfigs.cluster("spare", "127.0.0.1:4"));
        assertThat(ReloadPlan.between(RUNNING, TestConfigs.config(withSpare, List.of(ORDERS, PAYMENTS)))
            .changesNothing()).isTrue();
    }

    @Test
    void settingsEveryLinkUsesRestartEveryBackup() {
        FerryConfig copy = RUNNING.withCopy(CopySettings.DEFAULT.withMaxInFlightMiB(128));
        FerryConfig checkpoints = RUNNING.withCheckpointInterval(Duration.ofSeconds(1));
        byte[] bytes = new byte[SigningKey.MIN_BYTES];
        Arrays.fill(bytes, (byte) 7);
        FerryConfig signed = RUNNING.withSigningKey(SigningKey.of(bytes));
        assertThat(ReloadPlan.between(RUNNING, copy).restart()).containsOnlyKeys("orders-dr", "payments-dr")
            .containsValue("copy changed (used by every link)");
        assertThat(ReloadPlan.between(RUNNING, checkpoints).restart().get("payments-dr"))
            .isEqualTo("checkpointInterval changed (used by every link)");
        assertThat(ReloadPlan.between(RUNNING, signed).restart().get("orders-dr"))
            .isEqualTo("signingKey changed (used by every link)");
        byte[] same = bytes.clone();
        assertThat(ReloadPlan.between(signed, RUNNING.withSigningKey(SigningKey.of(same))).changesNothing()).isTrue();
    }

    @Test
    void anotherBackupThatChangesWhatTheTopologyTellsARunningOneRestartsIt() {
        // A way back from b to a: orders-dr's loop check now matters, and it restarts to run it on the broker.
        BackupConfig back = TestConfigs.oneWay("back", "b", "a", List.of("returns"));
        ReloadPlan wayBack = ReloadPlan.between(RUNNING, TestConfigs.config(CLUSTERS, List.of(ORDERS, PAYMENTS, back)));
        assertThat(wayBack.start()).containsExactly("back");
        assertThat(wayBack.restart()).containsOnlyKeys("orders-dr");
        assertThat(wayBack.restart().get("orders-dr")).contains("can now come back from b to a");
        assertThat(wayBack.keep()).containsExactly("payments-dr");

        // A second writer of payments on c: payments-dr no longer writes its target topic alone.
        BackupConfig second = TestConfigs.oneWay("more-payments", "b", "c", List.of("payments"));
        ReloadPlan shared = ReloadPlan.between(RUNNING, TestConfigs.config(CLUSTERS, List.of(ORDERS, PAYMENTS, second)));
        assertThat(shared.restart()).containsOnlyKeys("payments-dr");
        assertThat(shared.restart().get("payments-dr")).contains("no longer the only writer");
        assertThat(shared.keep()).containsExactly("orders-dr");
    }

    @Test
    void httpOrEmbeddedClusterChangesNeedARestartOfFerryAndChangeNothing() {
        FerryConfig otherPort = new FerryConfig(Path.of("test.yaml"), byName(CLUSTERS), List.of(ORDERS),
            new HttpConfig("127.0.0.1", 7071));
        ReloadPlan http = ReloadPlan.between(RUNNING, otherPort);
        assertThat(http.needsProcessRestart()).singleElement().asString()
            .startsWith("http changed (listen 127.0.0.1:7070 -> 127.0.0.1:7071");
        assertThat(http.stop()).as("nothing is planned when the file cannot be applied").isEmpty();
        assertThat(http.toString()).startsWith("needs a restart of Ferry: http changed");

        FerryConfig tokenOnly = new FerryConfig(Path.of("test.yaml"), byName(CLUSTERS), List.of(ORDERS, PAYMENTS),
            new HttpConfig("127.0.0.1", 7070, Optional.of("a-token-of-sixteen-chars"), false));
        assertThat(ReloadPlan.between(RUNNING, tokenOnly).needsProcessRestart()).singleElement().asString()
            .doesNotContain("a-token-of-sixteen-chars");

        List<ClusterConfig> embedded = List.of(CLUSTERS.get(0), CLUSTERS.get(1), CLUSTERS.get(2),
            new ClusterConfig("local", null, null, null, Map.of(), true));
        assertThat(ReloadPlan.between(RUNNING, TestConfigs.config(embedded, List.of(ORDERS, PAYMENTS)))
            .needsProcessRestart()).singleElement().asString().startsWith("cluster 'local' is or was embedded: true");
    }

    private static Map<String, ClusterConfig> byName(List<ClusterConfig> clusters) {
        Map<String, ClusterConfig> byName = new LinkedHashMap<>();
        clusters.forEach(c -> byName.put(c.name(), c));
        return byName;
    }
}
