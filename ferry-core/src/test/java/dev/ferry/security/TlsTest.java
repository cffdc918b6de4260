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
import dev.ferry.testing.TestCertificate;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
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
 * source over TLS, verifying its certificate against the cluster's trust file and the address it dials, and
 * copies; without TLS, trusting another certificate, or reaching a server whose certificate names another host,
 * the source is unreachable, as validate says and why.
 */
class TlsTest {

    @Test
    void aClusterThatEnforcesTlsIsCopiedFromOverTls() throws Exception {
        try (TestCertificate certificate = TestCertificate.selfSigned("localhost", "DNS:localhost", "IP:127.0.0.1");
             ClusterProcess a = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .tls(certificate.certificate(), certificate.privateKey()).start();
             EmbeddedCluster b = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a").start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(b)) {
            ClusterConfig overTls = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(Optional.of(certificate.certificate()), Optional.empty(),
                    Optional.empty())));
            ClusterConfig plain = TestConfigs.cluster("A", a.namesrvAddr());
            b.createTopic("orders", 4);

            FerryConfig withoutTls = TestConfigs.config(List.of(plain, TestConfigs.cluster("B", b.namesrvAddr())),
                List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
            ClusterCheck.Result refused = ClusterCheck.check(withoutTls).get(0);
            assertThat(refused.failed()).as(refused.line()).isTrue();
            assertThat(refused.line()).startsWith("cluster 'A' (" + a.namesrvAddr() + "): not reachable");

            FerryConfig config = TestConfigs.config(List.of(overTls, TestConfigs.cluster("B", b.namesrvAddr())),
                List.of(TestConfigs.oneWay("orders-dr", "A", "B", List.of("orders"))));
            ClusterCheck.Result reached = ClusterCheck.check(config).get(0);
            assertThat(reached.failed()).as(reached.line()).isFalse();

            // Trusting another certificate, the source's is not accepted: each cluster is verified against its own
            // trust file, whatever another cluster of the process trusts.
            try (TestCertificate stranger = TestCertificate.selfSigned("localhost", "DNS:localhost", "IP:127.0.0.1")) {
                ClusterConfig trustingAStranger = new ClusterConfig("A2", a.namesrvAddr(), null, null, Map.of(),
                    false, Optional.of(new ClusterTls(Optional.of(stranger.certificate()), Optional.empty(),
                    Optional.empty())));
                ClusterCheck.Result unverified = ClusterCheck.check(TestConfigs.config(List.of(trustingAStranger),
                    List.of())).get(0);
                assertThat(unverified.line()).startsWith("cluster 'A2' (" + a.namesrvAddr() + "): not reachable: the"
                    + " certificate of " + a.namesrvAddr() + " (DNS:localhost, IP:127.0.0.1, CN=localhost) is not"
                    + " signed by a CA in tls.trustCertPath");
            }
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
        }
    }

    private static ClusterConfig chainOnlyOf(ClusterProcess a, Optional<ClusterTls> tls) {
        return new ClusterConfig("chainOnly", a.namesrvAddr(), null, null, Map.of(), false, tls);
    }

    /** A cluster that asks every client for a certificate: refused without one, reached with the one it trusts. */
    @Test
    void aClusterThatAsksForAClientCertificateIsReachedWithOne() throws Exception {
        try (TestCertificate server = TestCertificate.selfSigned("localhost", "IP:127.0.0.1");
             TestCertificate client = TestCertificate.selfSigned("ferry");
             TestCertificate otherClient = TestCertificate.selfSigned("ferry");
             ClusterProcess a = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .tls(server.certificate(), server.privateKey(), client.certificate()).start()) {
            Optional<Path> trust = Optional.of(server.certificate());
            ClusterConfig withoutCertificate = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(trust, Optional.empty(), Optional.empty())));
            ClusterCheck.Result refused = ClusterCheck.check(TestConfigs.config(List.of(withoutCertificate),
                List.of())).get(0);
            assertThat(refused.failed()).as(refused.line()).isTrue();

            ClusterConfig withCertificate = new ClusterConfig("A", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(trust, Optional.of(client.certificate()), Optional.of(client.privateKey()))));
            // Another cluster of the same process shows another certificate: each cluster's clients show their own.
            ClusterConfig withAnother = new ClusterConfig("A2", a.namesrvAddr(), null, null, Map.of(), false,
                Optional.of(new ClusterTls(trust, Optional.of(otherClient.certificate()),
                    Optional.of(otherClient.privateKey()))));
            List<ClusterCheck.Result> results = ClusterCheck.check(TestConfigs.config(List.of(withCertificate,
                withAnother), List.of()));
            assertThat(results.get(0).failed()).as(results.get(0).line()).isFalse();
            assertThat(results.get(1).failed()).as(results.get(1).line()).isTrue();
        }
    }

    /**
     * The pitfall of TLS with RocketMQ: the NameServer is dialed at the config's address, each broker at the address
     * it advertises, and every certificate must name what is dialed. Here the certificate names only localhost.
     */
    @Test
    void aServerWhoseCertificateNamesAnotherHostIsRefusedWithWhy() throws Exception {
        try (TestCertificate localhostOnly = TestCertificate.selfSigned("localhost", "DNS:localhost");
             ClusterProcess a = ClusterProcess.builder("DefaultCluster").brokerName("broker-a")
                 .tls(localhostOnly.certificate(), localhostOnly.privateKey()).start()) {
            String byName = a.namesrvAddr().replace("127.0.0.1", "localhost");
            Optional<ClusterTls> verified = Optional.of(new ClusterTls(Optional.of(localhostOnly.certificate()),
                Optional.empty(), Optional.empty()));
            Optional<ClusterTls> chainOnly = Optional.of(new ClusterTls(Optional.of(localhostOnly.certificate()),
                Optional.empty(), Optional.empty(), false));
            List<ClusterCheck.Result> results = ClusterCheck.check(TestConfigs.config(List.of(
                new ClusterConfig("byAddress", a.namesrvAddr(), null, null, Map.of(), false, verified),
                new ClusterConfig("byName", byName, null, null, Map.of(), false, verified),
                new ClusterConfig("chainOnly", a.namesrvAddr(), null, null, Map.of(), false, chainOnly)), List.of()));

            assertThat(results.get(0).line()).isEqualTo("cluster 'byAddress' (" + a.namesrvAddr() + "): not reachable:"
                + " the certificate of " + a.namesrvAddr() + " names DNS:localhost, CN=localhost, not 127.0.0.1 (give"
                + " the certificate a subjectAltName IP:127.0.0.1, or set tls.verifyHostname: false on cluster"
                + " 'byAddress')");
            // The NameServer, dialed by name, passes; the broker it routes to is dialed at its advertised address.
            assertThat(results.get(1).line()).isEqualTo("cluster 'byName' (" + byName + "): broker 'broker-a' ("
                + a.brokerAddr() + "): the certificate of " + a.brokerAddr() + " names DNS:localhost, CN=localhost,"
                + " not 127.0.0.1 (give the certificate a subjectAltName IP:127.0.0.1, or set tls.verifyHostname: false"
                + " on cluster 'byName')");
            assertThat(results.get(2).line()).isEqualTo("cluster 'chainOnly' (" + a.namesrvAddr() + "): OK, 1 broker");

            // Running, the link says why it cannot read its source (the same cluster, its name check off, is the
            // target: the refused source gives it nothing to copy).
            try (ClusterAdmin admin = ClusterAdmin.connect(chainOnlyOf(a, chainOnly))) {
                admin.ensureTopic("orders", 2);
            }
            FerryConfig run = TestConfigs.config(List.of(
                    new ClusterConfig("byName", byName, null, null, Map.of(), false, verified),
                    chainOnlyOf(a, chainOnly)),
                List.of(TestConfigs.oneWay("orders-dr", "byName", "chainOnly", List.of("orders"))));
            try (Ferry ferry = Ferry.start(run)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ferry.status()).singleElement()
                    .satisfies(link -> {
                        assertThat(link.state()).isNotEqualTo(LinkState.RUNNING);
                        assertThat(link.reason()).contains("the certificate of " + a.brokerAddr()
                            + " names DNS:localhost, CN=localhost, not 127.0.0.1");
                    }));
            }
        }
    }
}
