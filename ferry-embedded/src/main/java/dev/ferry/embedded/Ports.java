package dev.ferry.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/** Picks free TCP ports and waits for ports to be released. */
final class Ports {

    /**
     * The broker also listens on its port minus 2 (RocketMQ's "fast" remoting port), so a broker port is
     * only usable when that neighbour is free too.
     */
    static final int FAST_PORT_OFFSET = 2;

    /*
     * Picked below Linux's default ephemeral range (32768-60999): outgoing connections then never take a
     * port we handed out, so a cluster process can bind the same ports again when it is restarted.
     */
    private static final int RANGE_START = 20_000;
    private static final int RANGE_END = 32_000;
    private static final int MAX_ATTEMPTS = 500;

    /** Ports handed out by this JVM; a second cluster must not get them before the first one binds. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A free port for a NameServer. */
    static int pickNamesrvPort() {
        return pick(0);
    }

    /** A free port for an {@link EmbeddedProxy}'s gRPC server. */
    static int pickProxyPort() {
        return pick(0);
    }

    /** A free port for a {@link LocalPostgres} server. */
    static int pickPostgresPort() {
        return pick(0);
    }

    /** A free port for a master's HA service, which its slave connects to. */
    static int pickHaPort() {
        return pick(0);
    }

    /** A free port p for a broker, with its fast port p - 2 free as well. */
    static int pickBrokerPort() {
        return pick(FAST_PORT_OFFSET);
    }

    /** The ports a broker listening on {@code brokerPort} binds (apart from its ephemeral HA port). */
    static int[] brokerPorts(int brokerPort) {
        return new int[] {brokerPort, brokerPort - FAST_PORT_OFFSET};
    }

    private static int pick(int fastPortOffset) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(RANGE_START, RANGE_END);
            int neighbour = port - fastPortOffset;
            // Free on every address: the cluster takes it on 127.0.0.1, a proxy in front of it on another.
            if (isFreeEverywhere(port) && isFreeEverywhere(neighbour) && HANDED_OUT.add(port)) {
                if (neighbour == port || HANDED_OUT.add(neighbour)) {
                    return port;
                }
                HANDED_OUT.remove(port);
            }
        }
        throw new IllegalStateException("no free TCP port found between " + RANGE_START + " and " + RANGE_END
            + " after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Whether a server could listen on the port of 127.0.0.1 now (where the embedded servers bind; a
     * {@link DelayProxy} in front of a cluster listens on the same port of another loopback address). Like
     * RocketMQ's Netty servers, the probe uses SO_REUSEADDR, so connections still in TIME_WAIT do not count as
     * "in use". A server listening on all addresses holds 127.0.0.1's port too.
     */
    static boolean isFree(int port) {
        return canBind(new InetSocketAddress(EmbeddedCluster.LOCALHOST, port));
    }

    private static boolean isFreeEverywhere(int port) {
        return canBind(new InetSocketAddress(port));
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until all ports are free; returns false if some are still taken after the timeout. */
    static boolean awaitFree(Duration timeout, int... ports) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!IntStream.of(ports).allMatch(Ports::isFree)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
