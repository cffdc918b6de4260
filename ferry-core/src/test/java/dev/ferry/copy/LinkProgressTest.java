package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.junit.jupiter.api.Test;

class LinkProgressTest {

    private static OffsetWrapper offsets(long broker, long consumer, long lastTimestamp) {
        return offsets(broker, consumer, consumer, lastTimestamp);
    }

    private static OffsetWrapper offsets(long broker, long consumer, long pulled, long lastTimestamp) {
        OffsetWrapper w = new OffsetWrapper();
        w.setBrokerOffset(broker);
        w.setConsumerOffset(consumer);
        w.setPullOffset(pulled);
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
        assertThat(LinkProgress.of(stats, List.of("orders"), 10_000)).isEqualTo(new LinkProgress(0, 0, 0));
    }

    @Test
    void queuesKnownToBeCaughtUpCountNoBacklogNorDelay() {
        ConsumeStats stats = new ConsumeStats();
        MessageQueue passedOver = new MessageQueue("orders", "b", 0);
        stats.getOffsetTable().put(passedOver, offsets(100, 97, 1_000));
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 1), offsets(20, 15, 8_000));

        LinkProgress progress = LinkProgress.of(stats, List.of("orders"), 10_000, passedOver::equals);

        assertThat(progress).isEqualTo(new LinkProgress(5, 2_000, 5));
    }

    @Test
    void whatThisProcessCopiedPastTheCommittedOffsetIsNoBacklog() {
        ConsumeStats stats = new ConsumeStats();
        MessageQueue copiedHere = new MessageQueue("orders", "b", 0);
        MessageQueue elsewhere = new MessageQueue("orders", "b", 1);
        // The broker's committed offsets trail: queue 0 is copied to its end here, queue 1 is not held here.
        stats.getOffsetTable().put(copiedHere, offsets(100, 98, 100, 9_000));
        stats.getOffsetTable().put(elsewhere, offsets(50, 49, 50, 8_000));

        LinkProgress progress = LinkProgress.of(stats, List.of("orders"), 10_000, queue -> false,
            queue -> queue.equals(copiedHere) ? 100 : -1);

        assertThat(progress).isEqualTo(new LinkProgress(1, 2_000, 0));
    }

    @Test
    void unreadCountsOnlyWhatNoPullHasTakenYet() {
        ConsumeStats stats = new ConsumeStats();
        // Queue 0: 40 read and in flight, 10 unread; queue 1: 30 unread, none read.
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 0), offsets(100, 50, 90, 9_000));
        stats.getOffsetTable().put(new MessageQueue("orders", "b", 1), offsets(30, 0, 0, 0));

        LinkProgress progress = LinkProgress.of(stats, List.of("orders"), 10_000);

        assertThat(progress.backlog()).isEqualTo(80);
        assertThat(progress.mostUnread()).isEqualTo(30);
    }
}
