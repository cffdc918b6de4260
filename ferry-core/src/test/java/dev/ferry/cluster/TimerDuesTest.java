package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cluster.TimerDues.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimerDuesTest {

    private final TimerDues dues = new TimerDues(List.of("orders", "payments"));

    @Test
    void theFirstDueOfTheWatchedTopicsIsKnownOnceReadToTheEnd() {
        dues.startAt(100);
        dues.read("orders", 9_000, Kind.TIMER, 101);
        dues.read("other", 1_000, Kind.TIMER, 102); // another topic's timer: not counted
        dues.read("payments", 5_000, Kind.TIMER, 103);
        assertThat(dues.oldestDue()).as("an earlier one may lie in what is not read yet").isEqualTo(-1);
        dues.readTo(104);
        assertThat(dues.caughtUp()).isFalse();
        dues.read("orders", 7_000, Kind.TIMER, 104);
        dues.readTo(104);
        assertThat(dues.caughtUp()).isTrue();
        assertThat(dues.oldestDue()).isEqualTo(5_000);
        assertThat(dues.waiting()).isEqualTo(Map.of(5_000L, 1, 7_000L, 1, 9_000L, 1));
    }

    @Test
    void whatIsDueBeforeTheWheelsReadTimeIsDelivered() {
        dues.startAt(0);
        dues.read("orders", 5_000, Kind.TIMER, 1);
        dues.read("orders", 5_000, Kind.TIMER, 2);
        dues.read("orders", 6_000, Kind.TIMER, 3);
        dues.readTo(3);
        dues.deliveredBefore(5_000);
        assertThat(dues.oldestDue()).as("the wheel reads the 5 s slot next: not delivered yet").isEqualTo(5_000);
        dues.deliveredBefore(6_000);
        assertThat(dues.oldestDue()).isEqualTo(6_000);
        dues.deliveredBefore(6_001);
        assertThat(dues.oldestDue()).as("none waits").isEqualTo(-1);
    }

    @Test
    void aRolledTimerCountsOnceAndADeletionTakesOneOffItsDueTime() {
        dues.startAt(0);
        dues.read("orders", 4_000, Kind.TIMER, 1);
        dues.read("orders", 8_000, Kind.TIMER, 2);
        dues.read("orders", 8_000, Kind.ROLLED, 3); // put back by the wheel: counted at offset 1 already
        dues.read("orders", 4_000, Kind.DELETION, 4);
        dues.read("orders", 4_000, Kind.DELETION, 5); // nothing more of that due time to take off
        dues.readTo(5);
        assertThat(dues.counted()).isEqualTo(1);
        assertThat(dues.oldestDue()).isEqualTo(8_000);
    }

    @Test
    void noneWaitingDropsWhatIsCountedAndReadsOnFromTheEnd() {
        dues.startAt(10);
        dues.read("orders", 4_000, Kind.TIMER, 11);
        dues.noneWaiting(50);
        assertThat(dues.counted()).isZero();
        assertThat(dues.next()).isEqualTo(50);
        assertThat(dues.oldestDue()).isEqualTo(-1);
        dues.startAt(0); // reading started already: the start stays
        dues.read("orders", 9_000, Kind.TIMER, 51);
        dues.readTo(51);
        assertThat(dues.oldestDue()).isEqualTo(9_000);
    }

    @Test
    void entriesTheBrokerDeletedArePassedOver() {
        dues.startAt(10);
        dues.notBefore(40); // the broker's oldest files went
        assertThat(dues.next()).isEqualTo(40);
        dues.notBefore(20);
        assertThat(dues.next()).as("never back").isEqualTo(40);
    }
}
