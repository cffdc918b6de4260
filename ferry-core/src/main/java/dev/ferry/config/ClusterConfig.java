package dev.ferry.config;

import java.util.Map;
import java.util.Optional;

/**
 * One RocketMQ cluster: a unit, a region or a center.
 *
 * @param name      its name in the file; copied messages carry it in {@code FERRY_ORIGIN} and {@code FERRY_PATH}
 * @param namesrv   NameServer addresses, ';'-separated; null until Ferry starts an {@code embedded} cluster
 * @param accessKey RocketMQ ACL access key, or null
 * @param secretKey RocketMQ ACL secret key, or null
 * @param stamp     user properties added to every message copied out of this cluster (never null)
 * @param embedded  Ferry starts a local single-broker cluster for it
 * @param tls       TLS for every client to it; empty: plain TCP
 */
public record ClusterConfig(String name, String namesrv, String accessKey, String secretKey,
                            Map<String, String> stamp, boolean embedded, Optional<ClusterTls> tls) {

    /** A cluster reached over plain TCP. */
    public ClusterConfig(String name, String namesrv, String accessKey, String secretKey, Map<String, String> stamp,
                         boolean embedded) {
        this(name, namesrv, accessKey, secretKey, stamp, embedded, Optional.empty());
    }

    public Optional<Credentials> credentials() {
        return accessKey == null ? Optional.empty() : Optional.of(new Credentials(accessKey, secretKey));
    }

    /**
     * Whether it is reached with credentials over plain TCP at an address that is not loopback: its messages
     * cross the network in clear text (ACL signs requests; it does not encrypt them).
     */
    public boolean plaintextBeyondLoopback() {
        if (accessKey == null || tls.isPresent() || namesrv == null) {
            return false;
        }
        for (String address : namesrv.split(";")) {
            if (HostPort.parse(address, 1).map(hostPort -> !Loopback.isLoopback(hostPort.host())).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** The same cluster, reached at the address of the embedded cluster Ferry started for it. */
    public ClusterConfig withNamesrv(String address) {
        return new ClusterConfig(name, address, accessKey, secretKey, stamp, embedded, tls);
    }

    /** ACL credentials; {@link #toString()} never shows the secret. */
    public record Credentials(String accessKey, String secretKey) {
        @Override
        public String toString() {
            return "Credentials[accessKey=" + accessKey + ", secretKey=***]";
        }
    }

    @Override
    public String toString() {
        return "ClusterConfig[name=" + name + ", namesrv=" + namesrv + ", embedded=" + embedded
            + ", credentials=" + (accessKey == null ? "none" : "***") + ", stamp=" + stamp + ", tls=" + tls.isPresent()
            + "]";
    }
}
