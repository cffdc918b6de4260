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
 */
public record ClusterConfig(String name, String namesrv, String accessKey, String secretKey,
                            Map<String, String> stamp, boolean embedded) {

    public Optional<Credentials> credentials() {
        return accessKey == null ? Optional.empty() : Optional.of(new Credentials(accessKey, secretKey));
    }

    /** The same cluster, reached at the address of the embedded cluster Ferry started for it. */
    public ClusterConfig withNamesrv(String address) {
        return new ClusterConfig(name, address, accessKey, secretKey, stamp, embedded);
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
            + ", credentials=" + (accessKey == null ? "none" : "***") + ", stamp=" + stamp + "]";
    }
}
