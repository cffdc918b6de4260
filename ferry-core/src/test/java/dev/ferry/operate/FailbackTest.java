package dev.ferry.operate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestConsumer;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * The whole round trip of a disaster recovery, with a real failure: home (a child JVM) is killed with SIGKILL
 * while it holds messages Ferry has not copied; billing fails over to the standby, which takes new traffic;
 * home comes back; failback copies the standby's messages home and moves billing's progress with them.
 */
class FailbackTest {

    private static final String TOPIC = "payments";
    private static final String GROUP = "billing";
    private static final int QUEUES = 4;

    @Test
    void homeGetsWhatTheStandbyTookAndBillingResumesWhereItStopped() throws Exception {
        // The broker writes committed offsets to disk every 5 s by default; a SIGKILL loses what came since (Ferry
        // would copy a few messages twice). Every second here, so that the counts below are exact.
        // RocketMQ's default names in both regions; away has two brokers.
        try (ClusterProcess home = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .brokerProperty("flushConsumerOffsetInterval", "1000").start();
             EmbeddedCluster away = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(away)) {
            FerryConfig config = TestConfigs.config(List.of(TestConfigs.cluster("home", home.namesrvAddr()),
                    TestConfigs.cluster("away", away.namesrvAddr())),
                List.of(TestConfigs.oneWay("payments-dr", "home", "away", List.of(TOPIC))))
                .withCheckpointInterval(Duration.ofSeconds(1));
            try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster("home"))) {
                admin.ensureTopic(TOPIC, QUEUES);
            }
            Set<String> consumed = ConcurrentHashMap.newKeySet();

            // 1. Home runs: 2,000 payments, billed there and copied away.
            List<String> first = send(home.namesrvAddr(), "first", 2_000);
            try (Ferry ferry = Ferry.start(config)) {
                consume(home.namesrvAddr(), consumed, () -> consumed.containsAll(first));
                await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).backlog() == 0);
                await("a checkpoint of billing's final offsets").atMost(Duration.ofSeconds(30)).until(() ->
                    ferry.checkpoints().stream().anyMatch(c -> c.group().equals(GROUP) && c.lag() == 0));
            }
            // 2. While Ferry is down (an upgrade, say), home takes 300 more; then it dies.
            List<String> held = send(home.namesrvAddr(), "held", 300);
            // A deliberate pause, not a wait for a condition no client can see: the broker flushes its commit log
            // every 0.5 s and the offsets every 1 s (set above); a SIGKILL loses what it has not flushed.
            Thread.sleep(2_500);
            home.kill();

            // Ferry restarts during the disaster (a new configuration, a new host): the link whose source is
            // down waits for it instead of failing the start.
            try (Ferry ferry = Ferry.start(config)) {
                assertThat(ferry.status().get(0)).satisfies(link -> {
                    assertThat(link.state()).isEqualTo(LinkState.STARTING);
                    assertThat(link.reason()).startsWith("waiting for its clusters: ");
                });

                // 3. Failover: billing moves away and bills what the standby takes meanwhile.
                try (ClusterAdmin awayAdmin = ClusterAdmin.connect(config.cluster("away"))) {
                    Failover.apply(awayAdmin, GROUP, Failover.plan(awayAdmin, GROUP, "home", TOPIC));
                }
                List<String> taken = send(away.namesrvAddr(), "taken", 1_000);
                TestConsumer billingAway = TestConsumer.start(GROUP, away.namesrvAddr(), TOPIC);
                Set<String> billedAway = billingAway.consumed();
                try {
                    await().atMost(Duration.ofMinutes(1)).until(() -> billedAway.containsAll(taken));

                    // 4. Home is back. The link starts by itself, copies what home held, and says how much.
                    home.restart();
                    await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).state() != LinkState.STARTING);
                    assertThat(ferry.status().get(0).heldOnReturn()).as("held by home, not yet copied")
                        .isEqualTo(held.size());
                    await().atMost(Duration.ofMinutes(1)).until(() -> billedAway.containsAll(held));
                    // Applications stop on the standby, committing where they are: at its end.
                    billingAway.awaitCommittedToTheEnd(Duration.ofSeconds(30));
                    billingAway.close();

                    // 5. Failback, while Ferry runs home -> away.
                    List<String> lines = new ArrayList<>();
                    Failback.Report report = new Failback(config, "away", "home", lines::add)
                        .run(List.of(), false, Duration.ofMinutes(2));
                    lines.forEach(System.out::println);
                    assertThat(report.copiedBack()).isEqualTo(taken.size());
                    assertThat(report.moves()).containsOnlyKeys(GROUP);
                    assertThat(report.moves().get(GROUP)).hasSize(QUEUES)
                        .as("billing consumed everything away: it resumes at home's end, re-reading nothing")
                        .allSatisfy(p -> assertThat(p.resumeAt()).isEqualTo(p.end()));

                    // Home holds everything once: its own, and the standby's, stamped with their origin.
                    Map<String, MessageExt> atHome = byId(TopicReader.readAll(home.namesrvAddr(), TOPIC, 3_300));
                    assertThat(atHome).hasSize(3_300);
                    assertThat(atHome.keySet()).containsAll(first).containsAll(held).containsAll(taken);
                    assertThat(taken).allSatisfy(id -> assertThat(atHome.get(id).getUserProperty("FERRY_ORIGIN"))
                        .isEqualTo("away"));

                    // 6. Billing comes home and bills only what is new there: nothing lost, nothing twice.
                    List<String> fresh;
                    Set<String> billedHome;
                    try (TestConsumer billingHome = TestConsumer.start(GROUP, home.namesrvAddr(), TOPIC)) {
                        billedHome = billingHome.consumed();
                        fresh = send(home.namesrvAddr(), "fresh", 200);
                        await().atMost(Duration.ofMinutes(1)).until(() -> billedHome.containsAll(fresh));
                        await("billing bills nothing more at home").during(Duration.ofSeconds(2))
                            .atMost(Duration.ofSeconds(30)).until(() -> billedHome.size() == fresh.size());
                    }
                    assertThat(billedHome).as("billed at home after failback").containsExactlyInAnyOrderElementsOf(fresh);

                    // No loop: the copies home got from the standby are not copied back there.
                    await().atMost(Duration.ofMinutes(1)).until(() -> ferry.status().get(0).backlog() == 0);
                    assertThat(ferry.status().get(0).skippedLoop()).isEqualTo(taken.size());
                    List<MessageExt> atAway = TopicReader.readAll(away.namesrvAddr(), TOPIC, 3_500);
                    assertThat(byId(atAway)).hasSize(3_500);
                    assertThat(atAway).hasSize(3_500);
                    Set<String> everything = new HashSet<>(first);
                    everything.addAll(held);
                    everything.addAll(taken);
                    everything.addAll(fresh);
                    Set<String> billedAnywhere = new HashSet<>(consumed);
                    billedAnywhere.addAll(billedAway);
                    billedAnywhere.addAll(billedHome);
                    assertThat(billedAnywhere).as("every payment billed").containsAll(everything);
                    System.out.printf("failback: home held %d uncopied when it died; %d taken away, copied back;"
                        + " billing resumed at home's end, billed %d new there%n", held.size(), taken.size(),
                        billedHome.size());
                } finally {
                    billingAway.close();
                }
            }
        }
    }

    private static List<String> send(String namesrv, String run, int count) throws Exception {
        try (TestMessages producer = new TestMessages(namesrv)) {
            return producer.send(TOPIC, run, 0, count, QUEUES);
        }
    }

    private static Map<String, MessageExt> byId(List<MessageExt> messages) {
        return messages.stream().collect(Collectors.toMap(MessageExt::getMsgId, Function.identity(), (a, b) -> a));
    }

    /** Runs billing on a cluster until {@code done}, then stops it once it has committed everything. */
    private static void consume(String namesrv, Set<String> billed, java.util.concurrent.Callable<Boolean> done)
        throws Exception {
        try (TestConsumer billing = TestConsumer.start(GROUP, namesrv, TOPIC)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                billed.addAll(billing.consumed());
                return done.call();
            });
            billing.awaitCommittedToTheEnd(Duration.ofSeconds(30));
            billed.addAll(billing.consumed());
        }
    }
}
