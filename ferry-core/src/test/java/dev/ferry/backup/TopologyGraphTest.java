package dev.ferry.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BackupConfig;
import dev.ferry.testing.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration as a graph: ways back (where loops can happen) and sole writers (where groups follow). */
class TopologyGraphTest {

    private static final BackupConfig AGG_A = TestConfigs.oneWay("agg-a", "unit-a", "center", List.of("orders"));
    private static final BackupConfig AGG_B = TestConfigs.oneWay("agg-b", "unit-b", "center", List.of("orders"));
    private static final BackupConfig DR = TestConfigs.oneWay("dr", "primary", "standby", List.of("payments"));
    private static final BackupConfig AA = TestConfigs.twoWay("aa", "east", "west", List.of("trades"));

    @Test
    void loopsArePossibleOnlyWhereAWayLeadsBack() {
        Topology topology = new Topology(List.of(AGG_A, AGG_B, DR, AA));
        assertThat(topology.canReach("center", "unit-a")).isFalse();
        assertThat(topology.canReach("standby", "primary")).isFalse();
        assertThat(topology.canReach("west", "east")).isTrue();
        assertThat(topology.canReach("east", "west")).isTrue();

        Topology ring = new Topology(List.of(TestConfigs.oneWay("ab", "a", "b", List.of("t")),
            TestConfigs.oneWay("bc", "b", "c", List.of("t")), TestConfigs.oneWay("ca", "c", "a", List.of("t"))));
        assertThat(ring.canReach("b", "a")).isTrue();
    }

    @Test
    void aTargetTopicWithSeveralWritersHasNoSoleWriter() {
        Topology topology = new Topology(List.of(AGG_A, AGG_B, DR, AA));
        assertThat(topology.soleWriter(DR, "primary", "standby")).isTrue();
        assertThat(topology.soleWriter(AGG_A, "unit-a", "center")).isFalse();
        // In two-way mode each direction writes the other's topic, and producers write it too; the
        // checkpointer never lets two-way groups follow (Backup), whatever this says.
        assertThat(topology.soleWriter(AA, "east", "west")).isTrue();

        // Renamed per unit, each unit's topic on the center has one writer again.
        BackupConfig ownA = TestConfigs.mapped(AGG_A, "${source}_${topic}");
        BackupConfig ownB = TestConfigs.mapped(AGG_B, "${source}_${topic}");
        assertThat(new Topology(List.of(ownA, ownB)).soleWriter(ownA, "unit-a", "center")).isTrue();
    }
}
