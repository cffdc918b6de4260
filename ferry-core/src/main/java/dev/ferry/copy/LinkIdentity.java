package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.rocketmq.client.ClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link consumer's instance name, the same for a Ferry process restarted on the same host: its client ID
 * ({@code ip@instanceName}) is then the one the source brokers locked the link's queues for, and they hand those
 * locks to the successor at once. Under any other name a restarted process waits until the dead one's locks expire
 * ({@code rocketmq.broker.rebalance.lockMaxLiveTime}, 60 s by default) before it copies anything.
 *
 * <pre>
 *   process 1 (seat 0)  ferry-orders-dr-to-B-seat-0   locks broker-a/0..3 ... SIGKILL
 *   process 2 (seat 0)  ferry-orders-dr-to-B-seat-0   same client ID: the broker renews the locks for it, copying
 *                                                      resumes in seconds; the watermark says what 1 had stored
 * </pre>
 *
 * <p>Two live processes must never share one: each would believe it holds the other's queues. So a process takes a
 * seat only when both agree it is free:
 * <ul>
 *   <li>a lock file for it on this host ({@code <tmpdir>/ferry-link-seats/<group>-<n>.lock}) that no other process
 *       holds: the operating system releases it when its holder dies, however it dies;</li>
 *   <li>the source brokers: no client with that ID is connected to the group (a process whose temporary directory
 *       is not shared, such as a service with a private one).</li>
 * </ul>
 * Otherwise it takes the next seat: a second process of the same backup on the same host is seat 1, and so on.
 */
final class LinkIdentity implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkIdentity.class);
    /** More processes of one backup on one host than this is not a deployment, it is a mistake. */
    private static final int SEATS = 64;

    /** The lock files this JVM holds (two Ferry instances in one JVM, as tests run them, take two seats). */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final String instanceName;
    private final Path path;
    private final FileChannel file;
    private final FileLock lock;

    private LinkIdentity(String instanceName, Path path, FileChannel file, FileLock lock) {
        this.instanceName = instanceName;
        this.path = path;
        this.file = file;
        this.lock = lock;
    }

    /**
     * Takes the first free seat of {@code group} on this host.
     *
     * @param connected whether a client ID is connected to the group on the source now
     * @param seats     the directory of the lock files
     * @throws IllegalStateException when every seat is taken, or the directory cannot be written
     */
    static LinkIdentity claim(String group, Predicate<String> connected, Path seats) {
        try {
            Files.createDirectories(seats);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + seats + " for the link's lock files: " + e.getMessage()
                + " (set java.io.tmpdir to a writable directory)", e);
        }
        for (int seat = 0; seat < SEATS; seat++) {
            String instance = FerryNames.linkInstance(group, seat);
            LinkIdentity claimed = tryClaim(seats.resolve(instance + ".lock"), instance);
            if (claimed == null) {
                continue;
            }
            String clientId = clientId(instance);
            if (connected.test(clientId)) {
                LOG.info("{}: seat {} is free on this host but {} is connected to the source: taking the next",
                    group, seat, clientId);
                claimed.close();
                continue;
            }
            return claimed;
        }
        throw new IllegalStateException("all " + SEATS + " seats of group " + group + " on this host are taken ("
            + seats + "): are " + SEATS + " Ferry processes running the same backup here?");
    }

    /** Seats under the JVM's temporary directory. */
    static Path defaultSeats() {
        return Path.of(System.getProperty("java.io.tmpdir"), "ferry-link-seats");
    }

    private static LinkIdentity tryClaim(Path path, String instance) {
        // Never a second channel on a file this JVM holds: on Linux, closing any descriptor of a file drops every
        // lock the process holds on it.
        if (!HELD_HERE.add(path)) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new LinkIdentity(instance, path, channel, lock);
            }
            channel.close();
        } catch (IOException | OverlappingFileLockException e) {
            HELD_HERE.remove(path);
            throw new IllegalStateException("cannot lock " + path + ": " + e, e);
        }
        HELD_HERE.remove(path);
        return null;
    }

    /** The client ID RocketMQ builds for a client of this instance name on this host. */
    static String clientId(String instanceName) {
        ClientConfig config = new ClientConfig();
        config.setInstanceName(instanceName);
        return config.buildMQClientId();
    }

    String instanceName() {
        return instanceName;
    }

    /** Gives the seat back (the process ending does as well). */
    @Override
    public void close() {
        try {
            lock.release();
            file.close();
        } catch (IOException e) {
            LOG.debug("releasing {}: {}", instanceName, e.toString());
        } finally {
            HELD_HERE.remove(path);
        }
    }
}
