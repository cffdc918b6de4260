package dev.ferry.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code clusters}: every RocketMQ cluster by its name, in file order. What a cluster may be is
 * {@link ClusterConfig}'s to say; here is only what is about the file (a value written twice, in two ways).
 */
final class ClustersSection {

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
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            result.put(entry.getKey(), cluster(entry.getKey(), entry.getValue()));
        }
        return Collections.unmodifiableMap(result);
    }

    private static ClusterConfig cluster(String name, Node cluster) throws ConfigException {
        cluster.map("a map with namesrv or embedded: true").allowOnly(KEYS);
        boolean embedded = cluster.get("embedded").flag(false);
        Optional<String> namesrv = cluster.get("namesrv").optionalText();
        // A ClusterConfig may hold both: Ferry fills in an embedded cluster's address once it has started it.
        if (embedded && namesrv.isPresent()) {
            throw cluster.problem("has both namesrv and embedded: true (choose one)");
        }
        Optional<String> accessKey = secret(cluster.get("accessKey"));
        Optional<String> secretKey = secret(cluster.get("secretKey"));
        Optional<ClusterTls> tls = ClusterTls.read(cluster.get("tls"));
        Map<String, String> stamp = stamp(cluster.get("stamp"));
        try {
            return new ClusterConfig(name, namesrv.orElse(null), accessKey.orElse(null), secretKey.orElse(null),
                stamp, embedded, tls);
        } catch (InvalidConfigException refused) {
            throw cluster.problem(refused);
        }
    }

    /** ACL keys: shown in no message, log line or status (see {@link Node#secret()}). */
    private static Optional<String> secret(Node key) throws ConfigException {
        return key.isAbsent() ? Optional.empty() : Optional.of(key.secret());
    }

    private static Map<String, String> stamp(Node stamp) throws ConfigException {
        Map<String, String> result = new LinkedHashMap<>();
        if (stamp.isAbsent()) {
            return result;
        }
        for (Map.Entry<String, Node> entry : stamp.entries("a map of property names to values, e.g. {unit: hz-01}")
            .entrySet()) {
            result.put(entry.getKey(), entry.getValue().text());
        }
        return result;
    }
}
