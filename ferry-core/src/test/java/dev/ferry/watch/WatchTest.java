package dev.ferry.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.testing.TestConfigs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snapshot's health, problems, roles and cluster reach, from link statuses alone. */
class WatchTest {

    private static final List<ClusterConfig> CLUSTERS = List.of(
        TestConfigs.cluster("unit-a", "127.0.0.1:1"), TestConfigs.cluster("region", "127.0.0.1:2"),
        TestConfigs.cluster("center", "127.0.0.1:3"), TestConfigs.cluster("east", "127.0.0.1:4"),
        TestConfigs.cluster("west", "127.0.0.1:5"), TestConfigs.cluster("spare", "127.0.0.1:6"));
    private static final List<BackupConfig> BACKUPS = List.of(
        TestConfigs.oneWay("a-to-region", "unit-a", "region", List.of("orders")),
        TestConfigs.oneWay("region-to-center", "region", "center", List.of("orders")),
        TestConfigs.twoWay("aa", "east", "west", List.of("trades")));

    private final Watch watch = new Watch(BACKUPS, CLUSTERS, List::of, List::of);

    @Test
    void aReloadShowsInTheNewestSampleAtOnceAndInTheSamplesAfterIt() {
        ReloadStatus failed = ReloadStatus.NONE.failed(5_000, "ferry.yaml: backups[0].topics: no topics");
        watch.reloaded(failed);
        assertThat(watch.latest().reload()).isEqualTo(failed);
        watch.start().close(); // start takes a sample at once
        assertThat(watch.latest().reload()).isEqualTo(failed);
        assertThat(failed.problem()).hasValue("reload failed at 1970-01-01T00:00:05Z, still running the configuration"
            + " loaded before: ferry.yaml: backups[0].topics: no topics");
        ReloadStatus applied = failed.applied(9_000, List.of("new"), List.of(), List.of("changed"));
        assertThat(applied.problem()).isEmpty();
        assertThat(applied.failures()).as("failures since start stay counted").isEqualTo(1);
        assertThat(applied.failed(10_000, "again").restarted()).as("the last applied changes stay listed")
            .containsExactly("changed");
    }

    @Test
    void everyLinkRunningIsHealthy() {
        Snapshot snapshot = watch.snapshot(List.of(link("a-to-region", "unit-a", "region", LinkState.RUNNING, null),
            link("aa", "east", "west", LinkState.CATCHING_UP, null)), List.of(), 42);
        assertThat(snapshot.healthy()).isTrue();
        assertThat(snapshot.problems()).isEmpty();
        assertThat(snapshot.time()).isEqualTo(42);
        assertThat(snapshot.backups()).extracting(Snapshot.BackupView::mode).containsExactly("one-way", "one-way",
            "two-way");
    }

    @Test
    void aLinkThatDoesNotCopyMakesItUnhealthyAndSaysWhy() {
        Snapshot snapshot = watch.snapshot(List.of(link("a-to-region", "unit-a", "region", LinkState.RUNNING, null),
            link("aa", "east", "west", LinkState.BLOCKED, "blocked at offset 7")), List.of(), 1);
        assertThat(snapshot.healthy()).isFalse();
        assertThat(snapshot.problems()).containsExactly("aa: east -> west is blocked: blocked at offset 7");
        assertThat(watch.snapshot(List.of(), List.of(), 1).problems()).containsExactly("no link runs");
    }

    @Test
    void clustersHaveTheirRoleAndTheReachTheirLinksSaw() {
        LinkStatus targetDown = new LinkStatus("region-to-center", "region", "center", "g", LinkState.UNREACHABLE,
            "target 'center' does not answer: connect failed", "ferry", 0, 0, 0, 0, 0, 0, 0, 0, 0, null, true, -1,
            false, 0, -1, -1, 0, 0, List.of(), 0, 0, 0, -1, -1, -1, -1, Map.of(), List.of(), null);
        Snapshot snapshot = watch.snapshot(List.of(link("a-to-region", "unit-a", "region", LinkState.RUNNING, null),
            targetDown, link("aa", "east", "west", LinkState.STARTING, "waiting for its clusters")), List.of(), 1);
        assertThat(snapshot.clusters()).extracting(Snapshot.ClusterView::name, Snapshot.ClusterView::role,
            Snapshot.ClusterView::reachable).containsExactly(
                org.assertj.core.groups.Tuple.tuple("unit-a", "source", true),
                org.assertj.core.groups.Tuple.tuple("region", "relay", true),
                org.assertj.core.groups.Tuple.tuple("center", "target", false),
                org.assertj.core.groups.Tuple.tuple("east", "peer", null),
                org.assertj.core.groups.Tuple.tuple("west", "peer", null),
                org.assertj.core.groups.Tuple.tuple("spare", "unused", null));
        assertThat(snapshot.clusters().get(2).error()).contains("connect failed");
    }

    private static LinkStatus link(String backup, String source, String target, LinkState state, String reason) {
        return new LinkStatus(backup, source, target, "ferry-" + backup + "-to-" + target, state, reason, "ferry", 10,
            10, 100, 0, 0, 0, 0, 0, 3, null, true, 0, true, 5, 3, 200, 0, 0, List.of(), 0, 0, 0, -1, -1, -1, -1, Map.of(), List.of(), null);
    }
}
