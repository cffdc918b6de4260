package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.TestCertificate;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PeerNamesTest {

    private static TestCertificate named;
    private static TestCertificate wildcard;
    private static TestCertificate commonNameOnly;

    @BeforeAll
    static void certificates() {
        named = TestCertificate.selfSigned("10.0.0.9", "DNS:broker-a.example", "IP:10.0.0.5", "IP:::1");
        wildcard = TestCertificate.selfSigned("brokers", "DNS:*.hz.example");
        commonNameOnly = TestCertificate.selfSigned("Broker-B.example");
    }

    @AfterAll
    static void delete() throws Exception {
        named.close();
        wildcard.close();
        commonNameOnly.close();
    }

    @Test
    void anAddressMatchesAnIpEntryOnly() {
        X509Certificate certificate = named.x509();

        assertThat(PeerNames.match("10.0.0.5", certificate)).isTrue();
        assertThat(PeerNames.match("10.0.0.6", certificate)).isFalse();
        assertThat(PeerNames.match("10.0.0.9", certificate)).as("never the CN").isFalse();
        assertThat(PeerNames.match("::1", certificate)).isTrue();
        assertThat(PeerNames.match("[0:0:0:0:0:0:0:1]", certificate)).as("the same address written otherwise")
            .isTrue();
    }

    @Test
    void aNameMatchesADnsEntryWhateverItsCase() {
        assertThat(PeerNames.match("broker-a.example", named.x509())).isTrue();
        assertThat(PeerNames.match("BROKER-A.example.", named.x509())).isTrue();
        assertThat(PeerNames.match("broker-b.example", named.x509())).isFalse();
        assertThat(PeerNames.match("10.0.0.9.example", named.x509())).isFalse();
    }

    @Test
    void aWildcardStandsForOneWholeLeftmostLabel() {
        assertThat(PeerNames.match("broker-a.hz.example", wildcard.x509())).isTrue();
        assertThat(PeerNames.match("a.b.hz.example", wildcard.x509())).isFalse();
        assertThat(PeerNames.match("hz.example", wildcard.x509())).isFalse();
        assertThat(PeerNames.nameMatches("broker.example", "*.example")).as("not for a single label").isFalse();
        assertThat(PeerNames.nameMatches("broker-a.example", "broker-*.example")).as("not within a label")
            .isFalse();
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsEntries() {
        assertThat(PeerNames.match("broker-b.example", commonNameOnly.x509())).isTrue();
        assertThat(PeerNames.match("broker-c.example", commonNameOnly.x509())).isFalse();
        assertThat(PeerNames.match("brokers", wildcard.x509())).as("a DNS entry hides the CN").isFalse();
    }

    @Test
    void describesWhatTheCertificateNames() {
        assertThat(PeerNames.describe(named.x509()))
            .isEqualTo("DNS:broker-a.example, IP:10.0.0.5, IP:0:0:0:0:0:0:0:1, CN=10.0.0.9");
        assertThat(PeerNames.describe(commonNameOnly.x509())).isEqualTo("CN=Broker-B.example");
    }
}
