package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** What a link says of queues given to it that it may not copy, and when it has the consumer rebalance. */
class LockWaitsTest {

    private static final MessageQueue A0 = new MessageQueue("orders", "broker-a", 0);
    private static final MessageQueue A1 = new MessageQueue("orders", "broker-a", 1);
    private static final MessageQueue B0 = new MessageQueue("orders", "broker-b", 0);

    private final FakeConsumer consumer = new FakeConsumer();
    private final LockWaits waits = new LockWaits(consumer);

    @Test
    void aNewQueueTheConsumerHasNotTakenUpHasItRebalanceOnceAndIsNotReportedWithinTheGrace() {
        consumer.allocated = Set.of(A0, A1);
        consumer.listed = Set.of(A0);
        consumer.owned = Set.of(A0);

        assertThat(waits.check(0)).isEmpty();
        assertThat(consumer.rebalances).as("a route update does not rebalance: the link does").isEqualTo(1);
        assertThat(waits.check(1_000)).isEmpty();
        assertThat(consumer.rebalances).isEqualTo(1);

        consumer.listed = Set.of(A0, A1);
        consumer.owned = Set.of(A0, A1);
        assertThat(waits.check(LockWaits.LOCK_GRACE_MILLIS + 1_000)).as("taken up").isEmpty();
    }

    @Test
    void aQueueWithoutItsLockPastTheGraceWaitsForIt() {
        consumer.allocated = Set.of(B0);

        assertThat(waits.check(0)).isEmpty();
        assertThat(waits.check(LockWaits.LOCK_GRACE_MILLIS - 1)).isEmpty();
        assertThat(waits.check(LockWaits.LOCK_GRACE_MILLIS)).hasValueSatisfying(why -> assertThat(why)
            .startsWith("1 queue(s) wait for their lock on the source broker").doesNotContain("master"));
        assertThat(consumer.rebalances).as("once, as it was first seen").isEqualTo(1);
    }

    @Test
    void aQueueOfABrokerWhoseMasterIsDownWaitsForTheMasterUnlessHeldHere() {
        consumer.allocated = Set.of(A0, A1, B0);
        consumer.listed = Set.of(A0, B0);
        consumer.owned = Set.of(B0);
        consumer.masterless = Set.of("broker-a");

        waits.check(0);
        assertThat(waits.check(LockWaits.LOCK_GRACE_MILLIS)).as("A0 is held here: the slave reads say why")
            .hasValue("1 queue(s) of broker 'broker-a' wait for its master, which is down: only a master grants the"
                + " lock a copier needs, and they were not held here when it went down, so they are not read from its"
                + " slave");
    }

    @Test
    void aQueueHeldHereButAllocatedElsewhereHasTheConsumerRebalanceAtMostEveryTwoSeconds() {
        consumer.allocated = Set.of(A0);
        consumer.listed = Set.of(A0, A1, new MessageQueue("%RETRY%ferry-orders", "broker-a", 0));
        consumer.owned = Set.of(A0, A1);

        assertThat(waits.check(0)).isEmpty();
        assertThat(consumer.rebalances).isEqualTo(1);
        waits.check(LockWaits.RELEASE_NUDGE_MILLIS - 1);
        assertThat(consumer.rebalances).isEqualTo(1);
        waits.check(LockWaits.RELEASE_NUDGE_MILLIS);
        assertThat(consumer.rebalances).isEqualTo(2);

        consumer.listed = Set.of(A0, new MessageQueue("%RETRY%ferry-orders", "broker-a", 0));
        waits.check(10 * LockWaits.RELEASE_NUDGE_MILLIS);
        assertThat(consumer.rebalances).as("let go; a topic whose allocation was not worked out is not a reason")
            .isEqualTo(2);
    }

    @Test
    void aSourceThatCannotTellItsAllocationSaysNothing() {
        consumer.cannotTell = true;
        assertThat(waits.check(0)).isEmpty();
        assertThat(waits.check(LockWaits.LOCK_GRACE_MILLIS)).isEmpty();
        assertThat(consumer.rebalances).isZero();
    }

    private static final class FakeConsumer implements LockWaits.Consumer {
        Set<MessageQueue> allocated = Set.of();
        Set<MessageQueue> listed = Set.of();
        Set<MessageQueue> owned = Set.of();
        Set<String> masterless = Set.of();
        boolean cannotTell;
        int rebalances;

        @Override
        public Set<MessageQueue> allocatedHere(Set<String> topics) throws Exception {
            if (cannotTell) {
                throw new IllegalStateException("no broker answers");
            }
            allocated.forEach(queue -> topics.add(queue.getTopic()));
            return new HashSet<>(allocated);
        }

        @Override
        public Set<MessageQueue> listed() {
            return listed;
        }

        @Override
        public boolean owns(MessageQueue queue) {
            return owned.contains(queue);
        }

        @Override
        public boolean masterless(String brokerName) {
            return masterless.contains(brokerName);
        }

        @Override
        public void rebalanceNow() {
            rebalances++;
        }
    }
}
