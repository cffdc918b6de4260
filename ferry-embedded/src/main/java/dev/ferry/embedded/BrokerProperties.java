package dev.ferry.embedded;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Extra broker settings given by name, as in a broker.properties file.
 *
 * <p>They are applied with RocketMQ's own {@link MixAll#properties2Object}, which silently skips unknown
 * names and unparsable values; they are checked here first so that a typo fails loudly instead.
 */
final class BrokerProperties {

    /** The config classes BrokerStartup applies broker.properties to. */
    private static final List<Class<?>> TARGETS = List.of(
        BrokerConfig.class, MessageStoreConfig.class, NettyServerConfig.class, NettyClientConfig.class);

    /** Settings that make up the cluster's identity, addresses and folders: the builder owns them. */
    private static final Set<String> RESERVED = Set.of(
        "brokerClusterName", "brokerName", "brokerId", "brokerIP1", "brokerIP2", "namesrvAddr", "listenPort",
        "bindAddress", "haListenPort", "storePathRootDir", "storePathCommitLog", "brokerConfigPath");

    private BrokerProperties() {
    }

    /** Throws IllegalArgumentException, naming the problem, unless the property can be applied. */
    static void check(String key, String value) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("broker property name is empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("broker property '" + key + "' has no value");
        }
        if (RESERVED.contains(key)) {
            throw new IllegalArgumentException("broker property '" + key
                + "' is set by the embedded cluster itself (use the builder's name, port and storeRoot settings)");
        }
        Class<?> type = setterType(key).orElseThrow(() -> new IllegalArgumentException("unknown broker property '"
            + key + "': not a setting of BrokerConfig, MessageStoreConfig, NettyServerConfig or NettyClientConfig"));
        if (!parses(type, value)) {
            throw new IllegalArgumentException("broker property '" + key + "': '" + value + "' is not a valid "
                + type.getSimpleName());
        }
    }

    static void apply(Map<String, String> properties, Object... configs) {
        Properties p = new Properties();
        p.putAll(properties);
        for (Object config : configs) {
            MixAll.properties2Object(p, config);
        }
    }

    /** The parameter type of the setter properties2Object would call, if it would call one. */
    private static Optional<Class<?>> setterType(String key) {
        String setter = "set" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
        return TARGETS.stream()
            .flatMap(c -> Arrays.stream(c.getMethods()))
            .filter(m -> m.getName().equals(setter) && m.getParameterCount() == 1)
            .<Class<?>>map(m -> m.getParameterTypes()[0])
            .filter(BrokerProperties::isSupported)
            .findFirst();
    }

    private static boolean isSupported(Class<?> type) {
        return type == String.class || type == int.class || type == Integer.class || type == long.class
            || type == Long.class || type == double.class || type == Double.class || type == float.class
            || type == Float.class || type == boolean.class || type == Boolean.class;
    }

    /** Parses the way properties2Object does (no trimming of numbers), but rejects what it would ignore. */
    private static boolean parses(Class<?> type, String value) {
        try {
            if (type == int.class || type == Integer.class) {
                Integer.parseInt(value);
            } else if (type == long.class || type == Long.class) {
                Long.parseLong(value);
            } else if (type == double.class || type == Double.class) {
                Double.parseDouble(value);
            } else if (type == float.class || type == Float.class) {
                Float.parseFloat(value);
            } else if (type == boolean.class || type == Boolean.class) {
                // Boolean.parseBoolean would turn any typo into false.
                return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
