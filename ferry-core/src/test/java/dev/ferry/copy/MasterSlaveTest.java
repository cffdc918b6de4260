package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.CopySettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * Broker groups with a master and a slave on both sides, RocketMQ's default names. The target's master is a
 * {@code SYNC_MASTER}: its slave goes down while Ferry copies, and copying goes on; the slave catches up when it
 * is back; nothing is lost or copied twice. A source broker whose master is down when Ferry starts is waited
 * for; meanwhile, asking whether a group is online there is an error, not "no one".
 */
class MasterSlaveTest {

    @Test
    void copyingGoesOnWhileTheTargetsSlaveIsDown() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").withSlaves().start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").withSlaves()
            .brokerProperty("brokerRole", "SYNC_MASTER").start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, "orders", 4);
            List<String> produced = new ArrayList<>();
            try (Ferry ferry = Ferry.start(config)) {
                produced.addAll(producer.send("orders", "slave-up", 0, 1_000, 4));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 1_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> b.slaveMessageCount("orders", "broker-a") >= 1_000);

                b.stopSlave("broker-a");
                produced.addAll(producer.send("orders", "slave-down", 1_000, 1_000, 4));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 2_000);
                System.out.printf("master/slave: %d unconfirmed sends while the target's slave was down%n",
                    ferry.status().get(0).unconfirmedSends());

                b.startSlave("broker-a");
                await().atMost(Duration.ofSeconds(60)).until(() -> b.slaveMessageCount("orders", "broker-a") >= 2_000);
            }
            List<MessageExt> copies = TopicReader.readAll(b.namesrvAddr(), "orders", 2_000);
            Set<String> ids = new HashSet<>();
            copies.forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
            assertThat(copies).as("no duplicates").hasSize(produced.size());
        }
    }

    /**
     * A source broker's master is down, its slave up, when Ferry starts: the link waits, saying why, and copies
     * once the master is back. (Copying from the slave meanwhile is not done: Ferry copies a queue only under its
     * lock, which a master grants.)
     */
    @Test
    void aLinkStartedWhileASourceMasterIsDownWaitsForIt() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").withSlaves().start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, "orders", 4);
            List<String> produced = producer.send("orders", "before", 0, 1_000, 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> a.slaveMessageCount("orders", "broker-a") >= 1_000);
            a.stopBroker("broker-a");
            try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("A"))) {
                // No master answers: "could not ask" is an error, never "no one is online".
                assertThatThrownBy(() -> admin.brokers().onlineClients("billing"))
                    .hasMessageContaining("cannot tell whether group 'billing' has consumers online");
            }
            try (Ferry ferry = Ferry.start(config)) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> {
                        assertThat(link.state()).isEqualTo(LinkState.STARTING);
                        assertThat(link.reason()).contains("broker 'broker-a' has no master online");
                    }));
                a.startBroker("broker-a");
                await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount("orders") >= 1_000);
            }
            Set<String> ids = new HashSet<>();
            TopicReader.readAll(b.namesrvAddr(), "orders", 1_000).forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
        }
    }

    /**
     * A source master dies while copies of its queues wait for a target broker that is down, and its slave
     * refuses reads (RocketMQ's default). Once the queues' locks have expired, the process sends nothing more of
     * them, though it holds their messages and the target broker is back: no one could know what it sends. The
     * status names the slave's setting; the operator turns {@code slaveReadEnable} on, and the queues are copied
     * from the slave. When the master is back they go back to it at the offset the slave reads reached. Nothing
     * lost, nothing copied twice; the other broker copies all along.
     */
    @Test
    void aSourceBrokerWhoseMasterIsDownIsReadFromItsSlaveOnceItAllowsReads() throws Exception {
        EmbeddedCluster a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").withSlaves()
            .start();
        EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(a, b);
             TestMessages producer = new TestMessages(a.namesrvAddr())) {
            // Batches of 20: a queue's consumer holds two of them, and the 100 messages each queue of broker-a gets
            // while the target's broker-a is down are more than it holds. What the slave reads copy goes past what
            // the consumer still holds when the master returns, which must not move the queue's offset back.
            FerryConfig config = TestConfigs.oneWayAtoB(a, b, "orders", 4).withCopy(new CopySettings(20,
                CopySettings.DEFAULT.batchBytes(), 64, Duration.ofSeconds(3), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(1), 32, 2));
            List<String> produced = new ArrayList<>();
            try (Ferry ferry = Ferry.start(config)) {
                produced.addAll(producer.send("orders", "before", 0, 400, 8));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 400);
                a.syncSlaves(); // as within a minute: they learn Ferry's heartbeat topic
                long copiedToBrokerA = b.messageCount("orders", "broker-a");

                // A's broker-a queues map to B's broker-a queues (queue numbers 0-3 of 8 on both sides).
                b.stopBroker("broker-a");
                produced.addAll(producer.send("orders", "held", 400, 800, 8));
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders", "broker-b") >= 600);
                long onBrokerA = a.messageCount("orders", "broker-a");
                await().atMost(Duration.ofSeconds(60)).until(() -> a.slaveMessageCount("orders", "broker-a") >= onBrokerA);
                a.stopBroker("broker-a");
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> assertThat(link.reason()).contains(
                        "broker 'broker-a' of source 'A' has no master online and its slave refuses reads",
                        "slaveReadEnable=true")));

                b.startBroker("broker-a");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> {
                        assertThat(link.state()).isEqualTo(LinkState.RETRYING);
                        assertThat(link.reason()).contains("its slave refuses reads");
                    }));
                // Three rounds of the slave reads (one a second): none copies from the refusing slave.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> b.messageCount("orders", "broker-a") == copiedToBrokerA);

                a.updateSlaveConfig("broker-a", "slaveReadEnable", "true");
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 1_200);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> {
                        assertThat(link.readFromSlaves()).containsExactly("broker-a");
                        assertThat(link.state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
                        assertThat(link.reason()).contains("queue(s) of broker 'broker-a'", "from the slave");
                    }));

                a.startBroker("broker-a");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> assertThat(link.readFromSlaves()).isEmpty()));
                produced.addAll(producer.send("orders", "after", 1_200, 400, 8));
                await().atMost(Duration.ofSeconds(90)).until(() -> b.messageCount("orders") >= 1_600);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> assertThat(link.reason()).isNull()));
            }
            List<MessageExt> copies = TopicReader.readAll(b.namesrvAddr(), "orders", produced.size());
            Set<String> ids = new HashSet<>();
            copies.forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
            assertThat(copies).as("no duplicates").hasSize(produced.size());
        }
    }
}
