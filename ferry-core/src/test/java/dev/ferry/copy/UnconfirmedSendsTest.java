package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * A target broker in {@code SYNC_MASTER} role whose slave is down (here: never started). RocketMQ 5.5 with its
 * default {@code inSyncReplicas=1} confirms the sends from the master alone: copying goes on, and nothing is
 * copied twice. (A 4.9 master answers {@code SLAVE_NOT_AVAILABLE} instead; {@code TargetSenderTest} covers what
 * Ferry does with each answer.)
 */
class UnconfirmedSendsTest {

    @Test
    void aSyncMasterWithoutItsSlaveKeepsTakingCopies() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a")
            .brokerProperty("brokerRole", "SYNC_MASTER").start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, "orders", 4);
            List<String> produced = producer.send("orders", "sync-master", 0, 1_000, 4);
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 1_000);
                LinkStatus link = ferry.status().get(0);
                System.out.printf("unconfirmed sends: %d copies, %d sends unconfirmed, %d retries%n", link.copied(),
                    link.unconfirmedSends(), link.retries());
            }
            List<MessageExt> copies = TopicReader.readAll(b.namesrvAddr(), "orders", 1_000);
            Set<String> ids = new HashSet<>();
            copies.forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
            assertThat(copies).as("not sent again: no duplicates").hasSize(1_000);
        }
    }
}
