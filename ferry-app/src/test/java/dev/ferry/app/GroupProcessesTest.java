package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cluster.GroupClient;
import dev.ferry.testing.TestQueues;
import dev.ferry.watch.QueueOwners;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** The table {@code ferry status} prints of each link's processes and their queues. */
class GroupProcessesTest {

    private static List<MessageQueue> queues(int from, int to) {
        return TestQueues.range("orders", "broker-a", from, to);
    }

    @Test
    void oneRowPerProcessThenTheQueuesNobodyHolds() {
        QueueOwners owners = QueueOwners.of(queues(0, 8), List.of(
            new GroupClient("10.0.0.1@ferry-dr-to-B-seat-0", "11@host-a", Set.copyOf(queues(0, 3)), null),
            new GroupClient("10.0.0.2@ferry-dr-to-B-seat-0", null, Set.of(), "timed out")));
        String table = GroupProcesses.table(List.of(
            new GroupProcesses.LinkGroup("dr", "A -> B", owners, null),
            new GroupProcesses.LinkGroup("aa", "C -> D", null, "C did not say: connect failed")));
        assertThat(table.lines()).containsExactly(
            "Processes per link, as each source reports its group's clients:",
            "BACKUP  DIRECTION  PROCESS     CLIENT_ID                      QUEUES  HELD",
            "dr      A -> B     11@host-a   10.0.0.1@ferry-dr-to-B-seat-0       3  orders/broker-a/0-2",
            "dr      A -> B     -           10.0.0.2@ferry-dr-to-B-seat-0       ?  did not answer: timed out",
            "dr      A -> B     (no owner)  -                                   5  orders/broker-a/3-7",
            "aa      C -> D     ?           -                                   ?  C did not say: connect failed");
        assertThat(GroupProcesses.table(List.of())).as("no link with a source to ask").isEmpty();
    }
}
