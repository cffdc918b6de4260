package dev.ferry.config;

import dev.ferry.names.FerryNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * @throws InvalidConfigException naming the key that is wrong; no message shows a key's value
 */
public record ClusterConfig(String name, String namesrv, String accessKey, String secretKey,
                            Map<String, String> stamp, boolean embedded, Optional<ClusterTls> tls) {

    /** Cluster names end up in message properties ({@code FERRY_PATH} is comma-separated) and group names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(tls, "tls");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigException("", "invalid cluster name " + Node.quote(name)
                + " (1 to 64 of A-Z a-z 0-9 _ . -)");
        }
        // An embedded cluster gets its address when Ferry has started it (withNamesrv).
        if (!embedded && namesrv == null) {
            throw new InvalidConfigException("", "needs namesrv (host:port[;host:port...]) or embedded: true");
        }
        if (namesrv != null) {
            checkNamesrv(namesrv);
        }
        if ((accessKey == null) != (secretKey == null)) {
            String missing = accessKey == null ? "accessKey" : "secretKey";
            String present = accessKey == null ? "secretKey" : "accessKey";
            throw new InvalidConfigException(missing, "missing (" + present + " is set; RocketMQ ACL needs both)");
        }
        if (embedded && tls.isPresent()) {
            throw new InvalidConfigException("tls", "an embedded cluster is plain TCP on loopback (remove tls)");
        }
        stamp = checkStamp(stamp);
    }

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

    private static void checkNamesrv(String namesrv) {
        for (String address : namesrv.split(";", -1)) {
            if (HostPort.parse(address, 1).isEmpty()) {
                throw new InvalidConfigException("namesrv", Node.quote(address) + " is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)");
            }
        }
    }

    /** The stamp as a message can carry it, in the order given; refuses what RocketMQ or Ferry keeps for itself. */
    private static Map<String, String> checkStamp(Map<String, String> stamp) {
        Map<String, String> checked = new LinkedHashMap<>();
        stamp.forEach((property, value) -> {
            String key = "stamp." + property;
            if (property.isBlank()) {
                throw new InvalidConfigException(key, "empty property name");
            }
            if (FerryNames.isFerryProperty(property)) {
                throw new InvalidConfigException(key, "property names starting with " + FerryNames.RESERVED_PREFIX
                    + " are reserved for Ferry");
            }
            if (RocketMqRules.isSystemProperty(property)) {
                throw new InvalidConfigException(key, Node.quote(property) + " is a RocketMQ system property name");
            }
            // RocketMQ refuses a blank property value when the message is built.
            if (value == null || value.isBlank()) {
                throw new InvalidConfigException(key, "is empty");
            }
            // RocketMQ encodes properties as name\u0001value\u0002...: control characters would corrupt them.
            if ((property + value).chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigException(key, "contains a control character, which a message property cannot carry");
            }
            checked.put(property, value);
        });
        return Collections.unmodifiableMap(checked);
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
