package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ClusterConfig;
import dev.ferry.names.FerryNames;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** Queues as an operator reads them, and who holds them: compact ranges, the backup's topics only. */
class QueueListTest {

    private static MessageQueue q(String topic, String broker, int id) {
        return new MessageQueue(topic, broker, id);
    }

    @Test
    void consecutiveQueueIdsBecomeRangesPerTopicAndBroker() {
        List<MessageQueue> queues = List.of(q("orders", "broker-b", 1), q("orders", "broker-a", 3),
            q("orders", "broker-a", 0), q("orders", "broker-a", 1), q("orders", "broker-a", 2), q("orders", "broker-a", 6),
            q("payments", "broker-a", 4), q("payments", "broker-a", 5));
        assertThat(QueueList.compact(queues))
            .containsExactly("orders/broker-a/0-3,6", "orders/broker-b/1", "payments/broker-a/4,5");
        assertThat(QueueList.compact(List.of())).isEmpty();
    }

    @Test
    void rangesOfOneTwoAndMoreIds() {
        assertThat(QueueList.ranges(new TreeSet<>(List.of(7)))).isEqualTo("7");
        assertThat(QueueList.ranges(new TreeSet<>(List.of(0, 1, 3, 4, 5, 9)))).isEqualTo("0,1,3-5,9");
    }

    @Test
    void heartbeatRetryAndDeadLetterQueuesAreNotTheBackupsQueues() {
        List<MessageQueue> queues = List.of(q("orders", "broker-a", 0), q(FerryNames.HEARTBEAT_TOPIC, "broker-a", 0),
            q(MixAll.RETRY_GROUP_TOPIC_PREFIX + "ferry-x-to-B", "broker-a", 0), q(MixAll.DLQ_GROUP_TOPIC_PREFIX + "g", "broker-a", 0));
        assertThat(QueueList.copied(queues)).containsExactly(q("orders", "broker-a", 0));
        HeldQueues held = HeldQueues.of("127.0.0.1@ferry-x-to-B-seat-0", queues);
        assertThat(held.count()).isOne();
        assertThat(held.queues()).containsExactly("orders/broker-a/0");
        assertThat(held.process()).isEqualTo(ProcessHandle.current().pid() + "@" + held.process().split("@", 2)[1]);
    }

    @Test
    void theLinkConsumerTellsItsProcessInTheRunningInfoABrokerFetchesForMqadmin() {
        DefaultMQPushConsumer consumer = new LinkConsumer.Named("ferry-x-to-B",
            new ClusterConfig("A", "127.0.0.1:9876", null, null, Map.of(), false));
        // What the client puts in its running info (DefaultMQPushConsumerImpl.consumerRunningInfo).
        assertThat(MixAll.object2Properties(consumer).getProperty(FerryNames.RUNNING_INFO_PROCESS))
            .isEqualTo(HeldQueues.THIS_PROCESS);
    }
}
