package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetryReasonsTest {

    @Test
    void aSilentTargetBrokerComesFirstAndHidesNoOtherReason() {
        assertThat(Link.retryReasons("broker(s) broker-a of target 'B' do not answer",
            List.of("slave refuses reads", "slave refuses reads")))
            .isEqualTo("broker(s) broker-a of target 'B' do not answer; slave refuses reads");
        assertThat(Link.retryReasons(null, List.of("busy"))).isEqualTo("busy");
    }

    @Test
    void atMostThreeAreNamed() {
        assertThat(Link.retryReasons("down", List.of("a", "b", "c", "d")))
            .isEqualTo("down; a; b (and 2 more)");
    }
}
