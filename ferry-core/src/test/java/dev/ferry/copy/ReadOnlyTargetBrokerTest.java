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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;

/**
 * An operator makes a target broker read-only (to drain it) while Ferry copies into it: within Ferry's route
 * refresh (5 s) its queues are written no more; the source queues mapped to them move to queues that take writes,
 * once, and nothing is lost.
 */
class ReadOnlyTargetBrokerTest {

    @Test
    void aTargetBrokerMadeReadOnlyIsNoLongerWrittenTo() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, "orders", 2);
            List<String> produced = new ArrayList<>();
            try (Ferry ferry = Ferry.start(config)) {
                produced.addAll(producer.send("orders", "writable", 0, 400, 4));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 400);
                assertThat(b.messageCount("orders", "broker-b")).as("broker-b's share before it is drained")
                    .isEqualTo(200);

                readOnly(b, "broker-b");
                // Ferry reads routes every 5 s: until then a copy may still land on broker-b (it stores it, and
                // serves it to readers: nothing is lost). Trickle until a round leaves broker-b untouched.
                long[] next = {400};
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    long before = b.messageCount("orders", "broker-b");
                    produced.addAll(producer.send("orders", "trickle", next[0], 8, 4));
                    next[0] += 8;
                    await().atMost(Duration.ofSeconds(30)).until(() -> b.messageCount("orders") >= next[0]);
                    return b.messageCount("orders", "broker-b") == before;
                });
                long onBrokerB = b.messageCount("orders", "broker-b");
                produced.addAll(producer.send("orders", "drained", next[0], 400, 4));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= next[0] + 400);
                assertThat(b.messageCount("orders", "broker-b")).as("nothing more written to broker-b")
                    .isEqualTo(onBrokerB);
                assertThat(ferry.status().get(0).state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
            }
            Set<String> ids = new HashSet<>();
            List<MessageExt> copies = TopicReader.readAll(b.namesrvAddr(), "orders", produced.size());
            copies.forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
            System.out.printf("read-only target broker: %d produced, %d copies, %d distinct%n", produced.size(),
                copies.size(), ids.size());
        }
    }

    /** As {@code mqadmin updateBrokerConfig -k brokerPermission -v 4}: the broker takes no more writes. */
    private static void readOnly(EmbeddedCluster cluster, String brokerName) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("read-only-" + System.nanoTime());
        admin.start();
        try {
            Properties properties = new Properties();
            properties.setProperty("brokerPermission", Integer.toString(PermName.PERM_READ));
            admin.updateBrokerConfig(cluster.brokerAddr(brokerName), properties);
        } finally {
            admin.shutdown();
        }
    }
}
