package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.junit.jupiter.api.Test;

class LinkProgressTest {

    private static OffsetWrapper offsets(long broker, long consumer, long lastTimestamp) {
        OffsetWrapper w = new OffsetWrapper();
        w.setBrokerOffset(broker);
        w.setConsumerOffset(consumer);
        w.setLastTimestamp(lastTimestamp);
        return w;
    }

    @Test
    void sumsTheBacklogOfTheLinksTopicsAndTakesTheOldestDelay() {
        ConsumeStats stats = new ConsumeStats();
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 0), offsets(100, 60, 9_000));
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 1), offsets(50, 50, 1_000));
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 2), offsets(10, 5, 7_000));
        stats.getOffsetTable().put(new MessageQueue("other", "b", 0), offsets(999, 0, 1));

        LinkProgress progress = LinkProgress.of(stats, List.of("orders"), 10_000);

        assertThat(progress.backlog()).isEqualTo(45);
        assertThat(progress.delayMillis()).isEqualTo(3_000);
    }

    @Test
    void noBacklogMeansNoDelay() {
        ConsumeStats stats = new ConsumeStats();
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 0), offsets(10, 10, 1));
        assertThat(LinkProgress.of(stats, List.of("orders"), 10_000)).isEqualTo(new LinkProgress(0, 0));
    }

    @Test
    void queuesKnownToBeCaughtUpCountNoBacklogNorDelay() {
        ConsumeStats stats = new ConsumeStats();
        MessageQueue passedOver = new MessageQueue("orders", "b", 0);
        stats.getOffsetTable().put(passedOver, offsets(100, 97, 1_000));
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 1), offsets(20, 15, 8_000));

        LinkProgress progress = LinkProgress.of(stats, List.of("orders"), 10_000, passedOver::equals);

        assertThat(progress).isEqualTo(new LinkProgress(5, 2_000));
    }
}
