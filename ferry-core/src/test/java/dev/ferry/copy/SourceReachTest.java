package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.copy.SourceReach.Change;
import org.junit.jupiter.api.Test;

class SourceReachTest {

    @Test
    void recordsWhatTheSourceHeldAtStartAndEachTimeItComesBack() {
        SourceReach reach = new SourceReach();
        assertThat(reach.reachable()).isFalse();
        assertThat(reach.heldOnReturn()).isEqualTo(-1);

        assertThat(reach.reached(300)).isEqualTo(Change.FIRST_REACHED);
        assertThat(reach.heldOnReturn()).isEqualTo(300);
        assertThat(reach.reached(0)).as("still reachable: no change, the figure stays").isEqualTo(Change.NONE);
        assertThat(reach.heldOnReturn()).isEqualTo(300);
        assertThat(reach.why()).isNull();

        assertThat(reach.lost("connect to 127.0.0.1:9876 failed")).isEqualTo(Change.LOST);
        assertThat(reach.lost("timeout")).as("one line per change").isEqualTo(Change.NONE);
        assertThat(reach.reachable()).isFalse();
        assertThat(reach.why()).isEqualTo("timeout");

        assertThat(reach.reached(42)).isEqualTo(Change.BACK);
        assertThat(reach.heldOnReturn()).isEqualTo(42);
        assertThat(reach.why()).isNull();
    }

    @Test
    void aSourceDownFromTheStartIsNotReportedAsLost() {
        SourceReach reach = new SourceReach();
        assertThat(reach.lost("connect failed")).isEqualTo(Change.NONE);
        assertThat(reach.why()).isEqualTo("connect failed");
        assertThat(reach.reached(7)).isEqualTo(Change.FIRST_REACHED);
        assertThat(reach.heldOnReturn()).isEqualTo(7);
    }
}
