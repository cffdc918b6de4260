package dev.ferry.config;

import dev.ferry.names.FerryNames;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code clusters}: every RocketMQ cluster by its name, in file order. */
final class ClustersSection {

    /** Cluster names end up in message properties ({@code FERRY_PATH} is comma-separated) and group names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final List<String> KEYS = List.of("namesrv", "accessKey", "secretKey", "stamp", "embedded", "tls");

    private ClustersSection() {
    }

    static Map<String, ClusterConfig> read(Node clusters) throws ConfigException {
        if (clusters.isAbsent()) {
            throw clusters.problem("missing (at least one cluster is required)");
        }
        Map<String, Node> entries = clusters.entries("a map of cluster names to clusters");
        if (entries.isEmpty()) {
            throw clusters.problem("no clusters (at least one is required)");
        }
        Map<String, ClusterConfig> result = new LinkedHashMap<>();
        ClusterConfig withClientCertificate = null;
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            ClusterConfig cluster = cluster(entry.getKey(), entry.getValue());
            Optional<List<Path>> certificate = clientCertificate(cluster);
            if (certificate.isPresent() && withClientCertificate != null
                && !certificate.equals(clientCertificate(withClientCertificate))) {
                throw entry.getValue().get("tls").get("certPath").problem("a second client certificate: RocketMQ's"
                    + " client shows one per process, and cluster " + Node.quote(withClientCertificate.name())
                    + " names another (use the same certPath and keyPath)");
            }
            withClientCertificate = certificate.isPresent() ? cluster : withClientCertificate;
            result.put(entry.getKey(), cluster);
        }
        return Collections.unmodifiableMap(result);
    }

    private static ClusterConfig cluster(String name, Node cluster) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw cluster.problem("invalid cluster name " + Node.quote(name) + " (1 to 64 of A-Z a-z 0-9 _ . -)");
        }
        cluster.map("a map with namesrv or embedded: true").allowOnly(KEYS);
        boolean embedded = cluster.get("embedded").flag(false);
        Optional<String> namesrv = cluster.get("namesrv").optionalText();
        if (embedded && namesrv.isPresent()) {
            throw cluster.problem("has both namesrv and embedded: true (choose one)");
        }
        if (!embedded && namesrv.isEmpty()) {
            throw cluster.problem("needs namesrv (host:port[;host:port...]) or embedded: true");
        }
        if (namesrv.isPresent()) {
            checkNamesrv(cluster.get("namesrv"), namesrv.get());
        }
        Optional<String> accessKey = secret(cluster.get("accessKey"));
        Optional<String> secretKey = secret(cluster.get("secretKey"));
        if (accessKey.isPresent() != secretKey.isPresent()) {
            String missing = accessKey.isPresent() ? "secretKey" : "accessKey";
            String present = accessKey.isPresent() ? "accessKey" : "secretKey";
            throw cluster.get(missing).problem("missing (" + present + " is set; RocketMQ ACL needs both)");
        }
        Optional<ClusterTls> tls = ClusterTls.read(cluster.get("tls"));
        if (embedded && tls.isPresent()) {
            throw cluster.get("tls").problem("an embedded cluster is plain TCP on loopback (remove tls)");
        }
        return new ClusterConfig(name, namesrv.orElse(null), accessKey.orElse(null), secretKey.orElse(null),
            stamp(cluster.get("stamp")), embedded, tls);
    }

    /** The client certificate and key a cluster's TLS shows, if any. */
    private static Optional<List<Path>> clientCertificate(ClusterConfig cluster) {
        return cluster.tls().filter(tls -> tls.certPath().isPresent())
            .map(tls -> List.of(tls.certPath().get(), tls.keyPath().orElseThrow()));
    }

    /** ACL keys: shown in no message, log line or status (see {@link Node#secret()}). */
    private static Optional<String> secret(Node key) throws ConfigException {
        return key.isAbsent() ? Optional.empty() : Optional.of(key.secret());
    }

    private static void checkNamesrv(Node where, String namesrv) throws ConfigException {
        for (String address : namesrv.split(";", -1)) {
            if (HostPort.parse(address, 1).isEmpty()) {
                throw where.problem(Node.quote(address) + " is not host:port"
                    + " (expected host:port[;host:port...], e.g. 127.0.0.1:9876;127.0.0.2:9876)");
            }
        }
    }

    private static Map<String, String> stamp(Node stamp) throws ConfigException {
        Map<String, String> result = new LinkedHashMap<>();
        if (stamp.isAbsent()) {
            return Collections.unmodifiableMap(result);
        }
        for (Map.Entry<String, Node> entry : stamp.entries("a map of property names to values, e.g. {unit: hz-01}")
            .entrySet()) {
            String name = entry.getKey();
            Node property = entry.getValue();
            if (name.isBlank()) {
                throw property.problem("empty property name");
            }
            if (FerryNames.isFerryProperty(name)) {
                throw property.problem("property names starting with " + FerryNames.RESERVED_PREFIX
                    + " are reserved for Ferry");
            }
            if (RocketMqRules.isSystemProperty(name)) {
                throw property.problem(Node.quote(name) + " is a RocketMQ system property name");
            }
            String value = property.text();
            // RocketMQ encodes properties as name\u0001value\u0002...: control characters would corrupt them.
            if ((name + value).chars().anyMatch(Character::isISOControl)) {
                throw property.problem("contains a control character, which a message property cannot carry");
            }
            result.put(name, value);
        }
        return Collections.unmodifiableMap(result);
    }
}
