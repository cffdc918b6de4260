package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.ClusterCheck;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.CopySettings;
import dev.ferry.copy.LinkState;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.FerryGrants;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        List<String> produced;
        try (TestMessages producer = new TestMessages(a);
             Ferry ferry = Ferry.start(config, CopySettings.DEFAULT.withCheckpointIntervalMillis(1_000))) {
            produced = producer.send("orders", "acl", 0, 400, 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 400);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                .singleElement().satisfies(link -> {
                    assertThat(link.state()).as(link.reason()).isEqualTo(LinkState.RUNNING);
                    assertThat(link.lastError()).isNull();
                }));
        }
        Set<String> ids = new HashSet<>();
        TopicReader.readAll(b, "orders", 400).forEach(copy -> ids.add(copy.getMsgId()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
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
