package dev.ferry.config;

import static dev.ferry.config.BackupConfigTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cluster checks itself when built, whoever builds it; the loader's messages come from here. */
class ClusterConfigTest {

    private static final String SECRET = "s3cret-never-shown";

    @Test
    void anEmbeddedClusterGetsItsAddressOnceStarted() {
        ClusterConfig embedded = new ClusterConfig("shanghai", null, null, null, Map.of(), true);

        assertThat(embedded.withNamesrv("127.0.0.1:9876").namesrv()).isEqualTo("127.0.0.1:9876");
    }

    @Test
    void keepsTheStampInItsOrderAndUnchangeable() {
        Map<String, String> stamp = new LinkedHashMap<>();
        stamp.put("unit", "hz-01");
        stamp.put("idc", "0571");

        ClusterConfig cluster = new ClusterConfig("hangzhou", "127.0.0.1:9876", null, null, stamp, false);
        stamp.put("later", "x");

        assertThat(cluster.stamp().keySet()).containsExactly("unit", "idc");
    }

    @Test
    void refusesAnInvalidName() {
        assertRefused(() -> cluster("hang zhou", "127.0.0.1:9876"), "",
            "invalid cluster name 'hang zhou' (1 to 64 of A-Z a-z 0-9 _ . -)");
    }

    @Test
    void refusesAClusterWithNeitherAddressNorEmbedded() {
        assertRefused(() -> cluster("hangzhou", null), "",
            "needs namesrv (host:port[;host:port...]) or embedded: true");
    }

    @Test
    void refusesAnAddressThatIsNotHostAndPort() {
        assertRefused(() -> cluster("hangzhou", "127.0.0.1:9876,127.0.0.2:9876"), "namesrv",
            "namesrv: '127.0.0.1:9876,127.0.0.2:9876' is not host:port"
                + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)");
    }

    @Test
    void refusesHalfOfTheCredentialsWithoutShowingTheOtherHalf() {
        assertRefused(() -> new ClusterConfig("hangzhou", "127.0.0.1:9876", "ak", null, Map.of(), false), "secretKey",
            "secretKey: missing (accessKey is set; RocketMQ ACL needs both)");
        Throwable refused = catchThrowable(() -> new ClusterConfig("hangzhou", "127.0.0.1:9876", null, SECRET,
            Map.of(), false));
        assertThat(refused).hasMessage("accessKey: missing (secretKey is set; RocketMQ ACL needs both)");
        assertThat(refused.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void refusesTlsOnAnEmbeddedCluster() {
        assertRefused(() -> new ClusterConfig("shanghai", null, null, null, Map.of(), true,
            Optional.of(ClusterTls.PLAIN)), "tls", "tls: an embedded cluster is plain TCP on loopback (remove tls)");
    }

    @Test
    void refusesAClientCertificateWithoutItsKey() {
        assertRefused(() -> new ClusterTls(Optional.empty(), Optional.of(Path.of("/etc/ferry/client.pem")),
            Optional.empty()), "keyPath", "keyPath: missing (a client certificate needs both certPath and keyPath)");
    }

    @Test
    void refusesStampPropertiesAMessageCannotCarry() {
        assertRefused(() -> stamped(Map.of("FERRY_ORIGIN", "hz")), "stamp.FERRY_ORIGIN",
            "stamp.FERRY_ORIGIN: property names starting with FERRY_ are reserved for Ferry");
        assertRefused(() -> stamped(Map.of("KEYS", "order-1")), "stamp.KEYS",
            "stamp.KEYS: 'KEYS' is a RocketMQ system property name");
        assertRefused(() -> stamped(Map.of(" ", "x")), "stamp. ", "stamp. : empty property name");
        assertRefused(() -> stamped(Map.of("unit", "")), "stamp.unit", "stamp.unit: is empty");
        assertRefused(() -> stamped(Map.of("unit", "hz\u000101")), "stamp.unit",
            "stamp.unit: contains a control character, which a message property cannot carry");
    }

    private static ClusterConfig cluster(String name, String namesrv) {
        return new ClusterConfig(name, namesrv, null, null, Map.of(), false);
    }

    private static ClusterConfig stamped(Map<String, String> stamp) {
        return new ClusterConfig("hangzhou", "127.0.0.1:9876", null, null, stamp, false);
    }
}
