package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ClusterConfig;
import dev.ferry.config.CopySettings;
import dev.ferry.config.StartFrom;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.junit.jupiter.api.Test;

/**
 * What a link's consumer may hold of the source: the link's queues share 64 batches' worth of messages, a queue holds
 * at most two batches of it, and maxInFlightMiB bounds the bytes.
 */
class LinkConsumerTest {

    private static final ClusterConfig SOURCE = new ClusterConfig("A", "127.0.0.1:9876", null, null, Map.of(), false);
    private static final int BATCH = CopySettings.DEFAULT.batchMessages();

    @Test
    void aQueueHoldsItsShareOfTheLinksCountButNeverMoreThanTwoBatches() {
        DefaultMQPushConsumer consumer = LinkConsumer.create("ferry-x-to-B", SOURCE,
            CopySettings.DEFAULT.withMaxInFlightMiB(48), 2, StartFrom.EARLIEST);

        assertThat(consumer.getPullThresholdForTopic()).isEqualTo(64 * BATCH);
        assertThat(consumer.getPullThresholdSizeForTopic()).as("MiB, shared by the link's two topics").isEqualTo(24);
        assertThat(consumer.getConsumeMessageBatchMaxSize()).isEqualTo(BATCH);
        // What the client's rebalance sets (RebalancePushImpl.messageQueueChanged): the topic's count over the queues
        // held. 9 queues (8 and the heartbeat topic's): 7,281 each, cut to two batches.
        consumer.setPullThresholdForQueue(64 * BATCH / 9);
        assertThat(consumer.getPullThresholdForQueue()).isEqualTo(2 * BATCH);
        // 200 queues: a share of 327 each, under two batches, kept.
        consumer.setPullThresholdForQueue(64 * BATCH / 200);
        assertThat(consumer.getPullThresholdForQueue()).isEqualTo(64 * BATCH / 200);
    }

    @Test
    void aSmallBatchCutsTheClientsDefaultToo() {
        DefaultMQPushConsumer consumer = LinkConsumer.create("ferry-x-to-B", SOURCE,
            new CopySettings(4, CopySettings.DEFAULT.batchBytes(), 64, CopySettings.DEFAULT.sendTimeout(),
                CopySettings.DEFAULT.retryMaxDelay(), CopySettings.DEFAULT.blockedRetry(),
                CopySettings.DEFAULT.commitInterval(), CopySettings.DEFAULT.pullsInFlight(),
                CopySettings.DEFAULT.sendConnections()), 1, StartFrom.EARLIEST);

        assertThat(consumer.getPullThresholdForQueue()).as("the client's 1,000 before any rebalance").isEqualTo(8);
    }
}
