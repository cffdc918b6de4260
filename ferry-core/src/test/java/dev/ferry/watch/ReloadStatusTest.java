package dev.ferry.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The last reload's outcome as status, health and metrics read it: applied, failed (nothing changed), or in part. */
class ReloadStatusTest {

    @Test
    void aFailedReloadKeepsTheLastAppliedChangesAndSaysTheOldConfigurationRuns() {
        ReloadStatus applied = ReloadStatus.NONE.applied(1_000, List.of("a"), List.of(), List.of("b"));
        ReloadStatus failed = applied.failed(2_000, "ferry.yaml: backups[0].topics: missing");

        assertThat(applied.lastFailed()).isFalse();
        assertThat(applied.problem()).isEmpty();
        assertThat(failed.lastFailed()).isTrue();
        assertThat(failed.outcome()).isEqualTo("failed");
        assertThat(failed.started()).containsExactly("a");
        assertThat(failed.restarted()).containsExactly("b");
        assertThat(failed.lastApplied()).isEqualTo(1_000);
        assertThat(failed.failures()).isEqualTo(1);
        assertThat(failed.problem()).hasValueSatisfying(line -> assertThat(line)
            .contains("reload failed at").contains("still running the configuration loaded before")
            .endsWith("ferry.yaml: backups[0].topics: missing"));
        assertThat(failed.brief()).as("what /health, open to anyone, shows: not the file's keys and values")
            .hasValueSatisfying(line -> assertThat(line).contains("still running the configuration loaded before")
                .doesNotContain("backups[0]"));
    }

    @Test
    void aReloadAppliedInPartListsWhatItDidAndDoesNotSayNothingChanged() {
        ReloadStatus partial = ReloadStatus.NONE.partial(3_000, "backup 'c' did not start (refused)", List.of("d"),
            List.of("e"), List.of());

        assertThat(partial.outcome()).isEqualTo("partial");
        assertThat(partial.lastFailed()).as("what runs is not the file: the gauge reads 0").isTrue();
        assertThat(partial.started()).containsExactly("d");
        assertThat(partial.stopped()).containsExactly("e");
        assertThat(partial.failures()).isEqualTo(1);
        assertThat(partial.lastApplied()).as("not a full success").isZero();
        assertThat(partial.problem()).hasValueSatisfying(line -> assertThat(line)
            .contains("reload applied in part at").doesNotContain("loaded before")
            .endsWith("backup 'c' did not start (refused)"));
        assertThat(partial.brief()).hasValueSatisfying(line -> assertThat(line).contains("applied in part")
            .doesNotContain("'c'"));
        assertThat(partial.applied(4_000, List.of(), List.of(), List.of()).problem()).as("cleared by a success")
            .isEmpty();
    }
}
