package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.StartFrom;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.junit.jupiter.api.Test;

/** What a link's consumer may hold of the source: two batches per queue, and maxInFlightMiB over the link. */
class LinkConsumerTest {

    private static final ClusterConfig SOURCE = new ClusterConfig("A", "127.0.0.1:9876", null, null, Map.of(), false);

    @Test
    void holdsTwoBatchesPerQueueWhateverTheTopicsQueueCount() {
        DefaultMQPushConsumer consumer = LinkConsumer.create("ferry-x-to-B", SOURCE,
            CopySettings.DEFAULT.withMaxInFlightMiB(48), 2, StartFrom.EARLIEST);

        assertThat(consumer.getPullThresholdForQueue()).isEqualTo(2 * CopySettings.DEFAULT.batchMessages());
        // -1: the client's rebalance leaves the per-queue count as set, rather than a share of a topic's count
        // (RebalancePushImpl.messageQueueChanged), which for a topic of few queues is thousands of messages each.
        assertThat(consumer.getPullThresholdForTopic()).isEqualTo(-1);
        assertThat(consumer.getPullThresholdSizeForTopic()).as("MiB, shared by the link's two topics").isEqualTo(24);
        assertThat(consumer.getConsumeMessageBatchMaxSize()).isEqualTo(CopySettings.DEFAULT.batchMessages());
    }
}
