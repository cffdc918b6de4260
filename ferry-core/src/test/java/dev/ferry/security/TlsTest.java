package dev.ferry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.check.ClusterCheck;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.ClusterTls;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.LinkState;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A source cluster whose NameServer and broker accept TLS only (a child JVM: RocketMQ keeps its server TLS
 * settings once per process), with a certificate the test makes; the target is plain TCP. Ferry reaches the
 * source over TLS, verifying its certificate against the trust file, and copies; without TLS, or trusting another
 * certificate, the source is unreachable, as validate says.
 */
class TlsTest {

    @Test
    void aClusterThatEnforcesTlsIsCopiedFromOverTls() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try (ClusterProcess a = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .tls(certificate.certificate().toPath(), certificate.privateKey().toPath()).start();
             EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(b)) {
            ClusterConfig overTls = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(Optional.of(certificate.certificate().toPath().toAbsolutePath()),
                    Optional.empty(), Optional.empty())));
            ClusterConfig plain = TestConfigs.cluster("A", a.namesrvAddr());
            b.createTopic("orders", 4);

            FerryConfig withoutTls = TestConfigs.config(List.of(plain, TestConfigs.cluster("B", b.namesrvAddr())),
                List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
            ClusterCheck.Result refused = ClusterCheck.check(withoutTls).get(0);
            assertThat(refused.failed()).as(refused.line()).isTrue();
            assertThat(refused.line()).startsWith("cluster 'A' (" + a.namesrvAddr() + "): not reachable");

            // Trusting another certificate: the source's is not accepted. (Before the right one is trusted: RocketMQ's
            // client keeps one trust bundle per process, and Ferry only adds to it.)
            SelfSignedCertificate stranger = new SelfSignedCertificate("localhost");
            ClusterConfig trustingAStranger = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(Optional.of(stranger.certificate().toPath().toAbsolutePath()),
                    Optional.empty(), Optional.empty())));
            ClusterCheck.Result unverified = ClusterCheck.check(TestConfigs.config(List.of(trustingAStranger,
                TestConfigs.cluster("B", b.namesrvAddr())), withoutTls.backups())).get(0);
            assertThat(unverified.failed()).as(unverified.line()).isTrue();
            stranger.delete();

            FerryConfig config = TestConfigs.config(List.of(overTls, TestConfigs.cluster("B", b.namesrvAddr())),
                List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
            ClusterCheck.Result reached = ClusterCheck.check(config).get(0);
            assertThat(reached.failed()).as(reached.line()).isFalse();
            try (ClusterAdmin admin = ClusterAdmin.connect(overTls)) {
                admin.ensureTopic("orders", 4);
            }
            List<String> produced;
            try (TestMessages producer = new TestMessages(overTls);
                 Ferry ferry = Ferry.start(config)) {
                produced = producer.send("orders", "tls", 0, 400, 4);
                await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("orders") >= 400);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.status())
                    .singleElement().satisfies(link -> assertThat(link.state()).as(link.reason())
                        .isEqualTo(LinkState.RUNNING)));
            }
            Set<String> ids = new HashSet<>();
            TopicReader.readAll(b.namesrvAddr(), "orders", 400).forEach(copy -> ids.add(copy.getMsgId()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(produced);
        } finally {
            certificate.delete();
        }
    }

    /** A cluster that asks every client for a certificate: refused without one, reached with the one it trusts. */
    @Test
    void aClusterThatAsksForAClientCertificateIsReachedWithOne() throws Exception {
        SelfSignedCertificate server = new SelfSignedCertificate("localhost");
        SelfSignedCertificate client = new SelfSignedCertificate("ferry");
        try (ClusterProcess a = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .tls(server.certificate().toPath(), server.privateKey().toPath(), client.certificate().toPath())
                 .start()) {
            Optional<Path> trust = Optional.of(server.certificate().toPath().toAbsolutePath());
            ClusterConfig withoutCertificate = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(trust, Optional.empty(), Optional.empty())));
            ClusterCheck.Result refused = ClusterCheck.check(TestConfigs.config(List.of(withoutCertificate),
                List.of())).get(0);
            assertThat(refused.failed()).as(refused.line()).isTrue();

            ClusterConfig withCertificate = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(trust, Optional.of(client.certificate().toPath().toAbsolutePath()),
                    Optional.of(client.privateKey().toPath().toAbsolutePath()))));
            ClusterCheck.Result reached = ClusterCheck.check(TestConfigs.config(List.of(withCertificate), List.of()))
                .get(0);
            assertThat(reached.failed()).as(reached.line()).isFalse();
        } finally {
            server.delete();
            client.delete();
        }
    }
}
