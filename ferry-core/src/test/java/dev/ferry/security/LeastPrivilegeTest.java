package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.check.ClusterCheck;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.offsets.CheckpointStatus;
import dev.ferry.operate.Failback;
import dev.ferry.operate.Failover;
import dev.ferry.operate.OffsetReset;
import dev.ferry.testing.FerryGrants;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ferry on clusters with ACL 2.0 on (authentication and authorization), RocketMQ's default names in both
 * regions, running as a normal user with only the rights {@code docs/security.md} lists.
 */
class LeastPrivilegeTest {

    private static final String SUPER_USER = "rocketmq";
    private static final String SUPER_PASSWORD = "12345678";
    private static final String USER = "ferry";
    private static final String PASSWORD = "ferry-secret-1";

    private static EmbeddedCluster a;
    private static EmbeddedCluster b;

    @BeforeAll
    static void startClusters() {
        a = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").withAcl(SUPER_USER, SUPER_PASSWORD).start();
        b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").withAcl(SUPER_USER, SUPER_PASSWORD).start();
        for (EmbeddedCluster cluster : List.of(a, b)) {
            cluster.createTopic("orders", 4);
            cluster.acl().createUser(USER, PASSWORD);
        }
        FerryGrants.onSource(a.acl(), USER, "orders-dr", "B", List.of("orders"));
        FerryGrants.onTarget(b.acl(), USER, List.of("orders"));
    }

    @AfterAll
    static void stopClusters() {
        EmbeddedCluster.closeInBackground(a, b);
    }

    @Test
    void aNormalUserWithTheDocumentedRightsCopiesOneWay() throws Exception {
        FerryConfig config = TestConfigs.config(List.of(asFerry("A", a, PASSWORD), asFerry("B", b, PASSWORD)),
            List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
        List<String> produced = new ArrayList<>();
        try (TestMessages producer = new TestMessages(a);
             Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)))) {
            produced.addAll(producer.send("orders", "acl", 0, 400, 4));
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 400);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> {
                    assertThat(link.state()).as(link.reason()).isEqualTo(LinkState.RUNNING);
                    assertThat(link.lastError()).isNull();
                }));

            // The right to publish to the target topic is revoked while Ferry runs: the link is blocked, saying
            // why, and the copies wait on the source; granted again, they are copied, none lost or twice.
            b.acl().grant(USER, "Topic:orders", "Sub", "Create", "Get");
            produced.addAll(producer.send("orders", "revoked", 400, 200, 4));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> {
                    assertThat(link.state()).isEqualTo(LinkState.BLOCKED);
                    assertThat(link.reason()).startsWith("blocked: the target refuses Ferry's user")
                        .contains("User:ferry has no permission to access Topic:orders");
                    assertThat(link.healthy()).isFalse();
                }));
            assertThat(b.messageCount("orders")).isEqualTo(400);
            b.acl().grant(USER, "Topic:orders", "Pub", "Sub", "Create", "Get");
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 600);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> assertThat(link.state()).isEqualTo(LinkState.RUNNING)));

            // The right to read the source topic is revoked: RocketMQ's consumer would only log it; the link is
            // blocked, saying so, and copies on once it is granted again.
            a.acl().grant(USER, "Topic:orders", "Get");
            produced.addAll(producer.send("orders", "unreadable", 600, 200, 4));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> {
                    assertThat(link.state()).isEqualTo(LinkState.BLOCKED);
                    assertThat(link.reason()).startsWith("blocked: the source refuses Ferry's user")
                        .contains("Topic:orders");
                }));
            a.acl().grant(USER, "Topic:orders", "Sub", "Get");
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 800);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> assertThat(link.state()).isEqualTo(LinkState.RUNNING)));
        }
        List<MessageExt> copies = TopicReader.readAll(b, "orders", produced.size());
        Set<String> ids = new HashSet<>();
        copies.forEach(copy -> ids.add(copy.getMsgId()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(copies).as("no duplicates").hasSize(produced.size());
    }

    /** A right missing on the source: validate finds it, naming the backup and the broker's answer. */
    @Test
    void aMissingRightFailsValidationNamingTheResourceAndTheAction() {
        String user = "ferry-without-get";
        a.acl().createUser(user, PASSWORD);
        FerryGrants.onSource(a.acl(), user, "orders-dr", "B", List.of("orders"));
        a.acl().grant(user, "Topic:orders", "Sub");
        FerryConfig config = TestConfigs.config(List.of(
                new ClusterConfig("A", a.namesrvAddr(), user, PASSWORD, Map.of(), false), asFerry("B", b, PASSWORD)),
            List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
        List<ClusterCheck.Result> results = ClusterCheck.check(config);
        System.out.println("validate, a right missing: " + results.get(0).line());
        assertThat(results.get(0).failed()).isTrue();
        assertThat(results.get(0).line()).startsWith("cluster 'A' (" + a.namesrvAddr() + "): backup 'orders-dr'"
            + " needs Get on Topic:orders and Group:ferry-orders-dr-to-B: User:" + user + " has no permission to"
            + " access Topic:orders").doesNotContain(PASSWORD).doesNotContain("\n");
        assertThat(results.get(1).failed()).as(results.get(1).line()).isFalse();
    }

    /**
     * Two-way between the regions, then what an operator runs after a region fails (status from the target alone,
     * failover, an offset reset), every call as the same normal user: the rights of a source and of a target on
     * both clusters.
     */
    @Test
    void twoWayAndAFailoverRunAsTheSameUser() throws Exception {
        for (EmbeddedCluster cluster : List.of(a, b)) {
            cluster.createTopic("trades", 2);
        }
        FerryGrants.onPeer(a.acl(), USER, "trades-aa", "B", List.of("trades"));
        FerryGrants.onPeer(b.acl(), USER, "trades-aa", "A", List.of("trades"));
        FerryConfig config = TestConfigs.config(List.of(asFerry("A", a, PASSWORD), asFerry("B", b, PASSWORD)),
            List.of(TestConfigs.twoWay("trades-aa", "A", "B", List.of("trades"))));
        try (TestMessages inA = new TestMessages(a);
             TestMessages inB = new TestMessages(b);
             Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)))) {
            inA.send("trades", "hz", 0, 200, 2);
            inB.send("trades", "sh", 0, 200, 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> a.messageCount("trades") >= 400
                && b.messageCount("trades") >= 400);
            // The application group on A has consumed half of A's own messages.
            try (ClusterAdmin superOnA = ClusterAdmin.connect(new ClusterConfig("A", a.namesrvAddr(), SUPER_USER,
                SUPER_PASSWORD, Map.of(), false))) {
                superOnA.ensureGroup("app", false);
                for (MessageQueue queue : superOnA.queues("trades")) {
                    superOnA.commitOffset("app", queue, 50);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.checkpoints().stream()
                .anyMatch(c -> c.group().equals("app") && c.source().equals("A")));
            assertThat(ferry.status()).allSatisfy(link -> assertThat(link.state()).as(link.reason())
                .isIn(LinkState.RUNNING, LinkState.CATCHING_UP));
        }
        // What bin/ferry status reads with no Ferry running: the checkpoints stored in the target.
        assertThat(CheckpointStatus.storedIn(asFerry("B", b, PASSWORD), "trades-aa"))
            .anySatisfy(c -> assertThat(c.group()).isEqualTo("app"));
        try (ClusterAdmin asFerryOnB = ClusterAdmin.connect(asFerry("B", b, PASSWORD))) {
            List<Failover.Move> moves = Failover.plan(asFerryOnB, "app", "A", "trades");
            assertThat(moves).isNotEmpty();
            Failover.apply(asFerryOnB, "app", moves);
            for (Failover.Move move : moves) {
                assertThat(asFerryOnB.committedOffset("app", move.queue())).hasValue(move.resumeAt());
            }
            // bin/ferry offsets reset, as the same user.
            List<OffsetReset.Position> earliest = OffsetReset.toEarliest(asFerryOnB, "app", "trades");
            OffsetReset.apply(asFerryOnB, "app", earliest);
            for (OffsetReset.Position position : earliest) {
                assertThat(asFerryOnB.committedOffset("app", position.queue())).hasValue(position.target());
            }
        }
    }

    /**
     * A disaster recovery's way home, as the same normal user with the rights docs/security.md lists for
     * failback: A copied to B, B took traffic while A was "down", failback copies B's messages back to A and
     * moves the application's progress there.
     */
    @Test
    void aFailbackRunsAsTheSameUser() throws Exception {
        for (EmbeddedCluster cluster : List.of(a, b)) {
            cluster.createTopic("refunds", 2);
        }
        FerryGrants.forFailback(a.acl(), b.acl(), USER, "refunds-dr", "A", "B", List.of("refunds"));
        FerryConfig config = TestConfigs.config(List.of(asFerry("A", a, PASSWORD), asFerry("B", b, PASSWORD)),
            List.of(TestConfigs.oneWay("refunds-dr", "A", "B", List.of("refunds"))))
            .withCheckpointInterval(Duration.ofSeconds(1));
        List<String> home = new ArrayList<>();
        try (TestMessages inA = new TestMessages(a); Ferry ferry = Ferry.start(config)) {
            home.addAll(inA.send("refunds", "home", 0, 100, 2));
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("refunds") >= 100
                && ferry.status().get(0).backlog() == 0);
        }
        List<String> taken;
        try (TestMessages inB = new TestMessages(b)) {
            taken = inB.send("refunds", "standby", 0, 100, 2);
        }
        // The application read everything on B before going home.
        try (ClusterAdmin superOnB = ClusterAdmin.connect(new ClusterConfig("B", b.namesrvAddr(), SUPER_USER,
            SUPER_PASSWORD, Map.of(), false))) {
            superOnB.ensureGroup("refunds-app", false);
            for (MessageQueue queue : superOnB.queues("refunds")) {
                superOnB.commitOffset("refunds-app", queue, superOnB.maxOffset(queue));
            }
        }

        List<String> lines = new ArrayList<>();
        Failback.Report report = new Failback(config, "B", "A", lines::add)
            .run(List.of("refunds-app"), false, Duration.ofMinutes(2));
        lines.forEach(System.out::println);

        assertThat(report.copiedBack()).isEqualTo(taken.size());
        assertThat(report.moves().get("refunds-app")).hasSize(2)
            .allSatisfy(p -> assertThat(p.resumeAt()).as("read everything on B: nothing to re-read at home")
                .isEqualTo(p.end()));
        Set<String> atHome = new HashSet<>();
        TopicReader.readAll(a, "refunds", 200).forEach(m -> atHome.add(m.getMsgId()));
        assertThat(atHome).hasSize(200).containsAll(home).containsAll(taken);
        try (ClusterAdmin asFerryOnA = ClusterAdmin.connect(asFerry("A", a, PASSWORD))) {
            for (var position : report.moves().get("refunds-app")) {
                assertThat(asFerryOnA.committedOffset("refunds-app", position.queue())).hasValue(position.resumeAt());
            }
        }
    }

    /** The NameServer checks no credentials: validate asks a broker, which does. */
    @Test
    void aWrongSecretFailsValidationNamingTheClusterAndTheBroker() {
        FerryConfig config = TestConfigs.config(List.of(asFerry("A", a, PASSWORD), asFerry("B", b, "wrong-secret")),
            List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
        List<ClusterCheck.Result> results = ClusterCheck.check(config);
        assertThat(results.get(0).failed()).as(results.get(0).line()).isFalse();
        assertThat(results.get(1).failed()).isTrue();
        assertThat(results.get(1).line()).startsWith("cluster 'B' (" + b.namesrvAddr() + "): broker 'broker-a'")
            .contains("refuses the credentials of accessKey 'ferry'").doesNotContain("wrong-secret")
            .doesNotContain("\n");
    }

    private static ClusterConfig asFerry(String name, EmbeddedCluster cluster, String password) {
        return new ClusterConfig(name, cluster.namesrvAddr(), USER, password, Map.of(), false);
    }
}
