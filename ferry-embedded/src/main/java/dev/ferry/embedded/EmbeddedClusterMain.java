package dev.ferry.embedded;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one {@link EmbeddedCluster} as the whole of a JVM, for {@link ClusterProcess}.
 *
 * <p>Prints {@value #READY} with the addresses once the cluster is up (or {@value #FAILED} and exits 1),
 * closes the cluster on SIGTERM, and exits when the parent process given by {@code --parent-pid} does, so a
 * crashed test run leaves no cluster behind.
 *
 * <pre>
 * --name NAME --store-dir DIR --namesrv-port PORT --broker-port PORT
 * [--max-message-size BYTES] [--broker-property KEY=VALUE]... [--advertised-host HOST] [--parent-pid PID]
 * </pre>
 */
final class EmbeddedClusterMain {

    static final String READY = "FERRY-EMBEDDED READY";
    static final String FAILED = "FERRY-EMBEDDED FAILED";

    private EmbeddedClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedCluster.Builder builder;
        Optional<Long> parentPid;
        try {
            Arguments arguments = Arguments.parse(args);
            builder = arguments.builder();
            parentPid = arguments.parentPid;
        } catch (IllegalArgumentException e) {
            System.err.println(FAILED + " " + e.getMessage());
            System.exit(2);
            return;
        }

        EmbeddedCluster cluster;
        try {
            cluster = builder.start();
        } catch (RuntimeException e) {
            System.out.println(FAILED + " " + e.getMessage());
            e.printStackTrace(System.out);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "ferry-embedded-shutdown"));
        parentPid.ifPresent(EmbeddedClusterMain::exitWithParent);

        System.out.println(READY + " namesrv=" + cluster.namesrvAddr() + " broker=" + cluster.brokerAddr());
        System.out.flush();
        // The cluster runs on RocketMQ's threads; main only has to stay until the shutdown hook ends the JVM.
        Thread.currentThread().join();
    }

    private static void exitWithParent(long pid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty()) {
            System.out.println("parent process " + pid + " is gone; exiting");
            System.exit(0);
        }
        parent.get().onExit().thenRun(() -> {
            System.out.println("parent process " + pid + " exited; closing the cluster");
            System.exit(0);
        });
    }

    /** The command line, checked. */
    static final class Arguments {
        private String name;
        private String brokerName;
        private Path storeDir;
        private int namesrvPort = -1;
        private int brokerPort = -1;
        private int maxMessageSize;
        private String advertisedHost;
        private final List<String[]> brokerProperties = new ArrayList<>();
        private Optional<Long> parentPid = Optional.empty();

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            for (int i = 0; i < args.length; i += 2) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[i + 1];
                switch (option) {
                    case "--name" -> parsed.name = value;
                    case "--broker-name" -> parsed.brokerName = value;
                    case "--store-dir" -> parsed.storeDir = Paths.get(value);
                    case "--namesrv-port" -> parsed.namesrvPort = number(option, value);
                    case "--broker-port" -> parsed.brokerPort = number(option, value);
                    case "--max-message-size" -> parsed.maxMessageSize = number(option, value);
                    case "--broker-property" -> parsed.brokerProperties.add(keyValue(value));
                    case "--advertised-host" -> parsed.advertisedHost = value;
                    case "--parent-pid" -> parsed.parentPid = Optional.of(pid(value));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (parsed.name == null || parsed.storeDir == null || parsed.namesrvPort < 0 || parsed.brokerPort < 0) {
                throw new IllegalArgumentException(
                    "--name, --store-dir, --namesrv-port and --broker-port are required");
            }
            return parsed;
        }

        EmbeddedCluster.Builder builder() {
            EmbeddedCluster.Builder builder = EmbeddedCluster.builder(name)
                .storeRoot(storeDir)
                .namesrvPort(namesrvPort)
                .brokerPort(brokerPort);
            if (brokerName != null) {
                builder.brokers(brokerName);
            }
            if (maxMessageSize > 0) {
                builder.maxMessageSize(maxMessageSize);
            }
            if (advertisedHost != null) {
                builder.advertisedHost(advertisedHost);
            }
            brokerProperties.forEach(p -> builder.brokerProperty(p[0], p[1]));
            return builder;
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + value + "' is not a number", e);
            }
        }

        private static long pid(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--parent-pid: '" + value + "' is not a process id", e);
            }
        }

        private static String[] keyValue(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--broker-property: '" + value + "' is not KEY=VALUE");
            }
            return new String[] {value.substring(0, eq), value.substring(eq + 1)};
        }
    }
}
