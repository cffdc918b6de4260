package dev.ferry.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cluster.GroupClient;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.TestQueues;
import dev.ferry.watch.QueueOwners.Owner;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** Every process of a link's group with its queues, and the queues nobody holds. */
class QueueOwnersTest {

    private static final List<MessageQueue> EIGHT = queues(0, 8);

    private static List<MessageQueue> queues(int from, int to) {
        return TestQueues.range("orders", "broker-a", from, to);
    }

    @Test
    void threeProcessesEachHoldTheirShareAndEveryQueueHasOneOwner() {
        QueueOwners owners = QueueOwners.of(EIGHT, List.of(
            new GroupClient("10.0.0.2@seat-0", "22@host-b", Set.copyOf(queues(3, 6)), null),
            new GroupClient("10.0.0.1@seat-0", "11@host-a", Set.copyOf(queues(0, 3)), null),
            new GroupClient("10.0.0.3@seat-0", "33@host-c", Set.of(queues(6, 8).get(0), queues(6, 8).get(1),
                new MessageQueue(FerryNames.HEARTBEAT_TOPIC, "broker-a", 0)), null)));
        assertThat(owners.owners()).containsExactly(
            new Owner("10.0.0.1@seat-0", "11@host-a", 3, List.of("orders/broker-a/0-2"), null),
            new Owner("10.0.0.2@seat-0", "22@host-b", 3, List.of("orders/broker-a/3-5"), null),
            new Owner("10.0.0.3@seat-0", "33@host-c", 2, List.of("orders/broker-a/6,7"), null));
        assertThat(owners.settled()).isTrue();
        assertThat(owners.unowned()).isEmpty();
    }

    @Test
    void theQueuesOfAProcessThatDiedHaveNoOwnerUntilAnotherTakesThem() {
        QueueOwners owners = QueueOwners.of(EIGHT, List.of(
            new GroupClient("10.0.0.1@seat-0", "11@host-a", Set.copyOf(queues(0, 3)), null),
            new GroupClient("10.0.0.4@seat-0", null, Set.of(), "timed out")));
        assertThat(owners.unownedCount()).isEqualTo(5);
        assertThat(owners.unowned()).containsExactly("orders/broker-a/3-7");
        assertThat(owners.settled()).isFalse();
        assertThat(owners.owners().get(1)).isEqualTo(new Owner("10.0.0.4@seat-0", null, 0, List.of(), "timed out"));
        assertThat(QueueOwners.of(EIGHT, List.of()).unowned()).as("no process at all").containsExactly(
            "orders/broker-a/0-7");
    }

    @Test
    void aQueueTwoClientsClaimDuringAHandoverIsSaid() {
        QueueOwners owners = QueueOwners.of(EIGHT, List.of(
            new GroupClient("a", null, Set.copyOf(queues(0, 5)), null),
            new GroupClient("b", null, Set.copyOf(queues(4, 8)), null)));
        assertThat(owners.claimedTwice()).containsExactly("orders/broker-a/4");
        assertThat(owners.unownedCount()).isZero();
        assertThat(owners.settled()).isFalse();
    }
}
