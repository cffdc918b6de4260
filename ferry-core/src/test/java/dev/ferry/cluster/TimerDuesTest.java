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
        dues.readTo(104);
        dues.wheelAt(104, 0);
        assertThat(dues.oldestDue(2)).as("an earlier one may lie in what is not read yet").isEqualTo(-1);
        dues.read("orders", 7_000, Kind.TIMER, 104);
        dues.readTo(104);
        dues.wheelAt(104, 0);
        assertThat(dues.caughtUp()).isTrue();
        assertThat(dues.oldestDue(3)).isEqualTo(5_000);
        assertThat(dues.waiting()).isEqualTo(Map.of(5_000L, 1, 7_000L, 1, 9_000L, 1));
    }

    @Test
    void whatIsDueBeforeTheWheelsReadTimeIsDelivered() {
        dues.startAt(0);
        dues.read("orders", 5_000, Kind.TIMER, 1);
        dues.read("orders", 5_000, Kind.TIMER, 2);
        dues.read("orders", 6_000, Kind.TIMER, 3);
        dues.readTo(3);
        dues.wheelAt(3, 5_000);
        assertThat(dues.oldestDue(3)).as("the wheel reads the 5 s slot next: not delivered yet").isEqualTo(5_000);
        dues.wheelAt(3, 6_000);
        assertThat(dues.oldestDue(1)).isEqualTo(6_000);
        dues.wheelAt(3, 6_001);
        assertThat(dues.oldestDue(0)).as("none waits").isEqualTo(-1);
    }

    @Test
    void anEntryTheWheelHasNotTakenInWaitsWhateverItsDueTime() {
        dues.startAt(0);
        dues.read("orders", 8_000, Kind.TIMER, 1);
        dues.read("orders", 3_000, Kind.TIMER, 2); // due already; the wheel delivers it when it takes it in
        dues.readTo(2);
        dues.wheelAt(1, 5_000);
        assertThat(dues.oldestDue(1)).as("in the past: the broker is late with it").isEqualTo(3_000);
        dues.wheelAt(2, 5_000);
        assertThat(dues.oldestDue(1)).as("taken in, due before the read time: delivered").isEqualTo(8_000);
    }

    @Test
    void aRolledEntryCountsOnceAndADeletionTakesOneOffItsDueTime() {
        dues.startAt(0);
        dues.read("orders", 4_000, Kind.TIMER, 1);
        dues.read("orders", 8_000, Kind.TIMER, 2);
        dues.read("orders", 8_000, Kind.ROLLED, 3); // put back by the wheel: counted at offset 1 already
        dues.read("orders", 4_000, Kind.DELETION, 4);
        dues.read("orders", 4_000, Kind.DELETION, 5); // nothing more of that due time to take off
        dues.readTo(5);
        dues.wheelAt(5, 0);
        assertThat(dues.counted()).isEqualTo(1);
        assertThat(dues.oldestDue(1)).isEqualTo(8_000);
    }

    @Test
    void fewerCountedThanTheBrokerCountsMakesTheFirstDueUnknown() {
        dues.startAt(0);
        dues.read("orders", 9_000, Kind.TIMER, 1);
        dues.readTo(1);
        dues.wheelAt(1, 0);
        assertThat(dues.oldestDue(1)).isEqualTo(9_000);
        assertThat(dues.oldestDue(2)).as("one was missed: it may be due first").isEqualTo(-1);
    }

    @Test
    void noneTakenInDropsWhatWasTakenInAndKeepsWhatIsArriving() {
        dues.startAt(10);
        dues.read("orders", 4_000, Kind.TIMER, 11);
        dues.read("orders", 6_000, Kind.TIMER, 12);
        dues.noneTakenIn(11); // the wheel counts none: the one at offset 10 is delivered, the one at 11 not taken in
        assertThat(dues.counted()).isEqualTo(1);
        dues.readTo(12);
        assertThat(dues.oldestDue(0)).isEqualTo(6_000);
        dues.startAt(0); // reading started already: the start stays
        assertThat(dues.next()).isEqualTo(12);
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
