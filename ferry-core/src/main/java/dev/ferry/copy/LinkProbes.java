package dev.ferry.copy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running link checks on its own, on two threads of its own: every 2 s whether the source answers (and
 * then whether it still lets Ferry's user read, {@link SourceRights}) and whether the target does; every second
 * whether a source master is down, to read its queues from the slave ({@link SlaveReads}). The first thread also
 * runs the link's start retries ({@link LinkStartup}).
 */
final class LinkProbes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkProbes.class);
    /** How often the link asks its clusters whether they answer, and the source whether it may read. */
    private static final long PROBE_MILLIS = 2_000;
    /** How often the link looks for source brokers whose master is down, to read their queues from slaves. */
    private static final long SLAVE_READS_MILLIS = 1_000;

    private final String linkName;
    private final ScheduledExecutorService probes;
    private final ScheduledExecutorService slaveReader;
    /** Reads what the source holds not yet due: its reads of the timer topic may take seconds, never the probes'. */
    private final ScheduledExecutorService pendingReader;

    LinkProbes(String linkName, String group) {
        this.linkName = linkName;
        this.probes = daemonScheduler("ferry-reach-" + group);
        this.slaveReader = daemonScheduler("ferry-slave-reads-" + group);
        this.pendingReader = daemonScheduler("ferry-pending-" + group);
    }

    /** The thread the probes run on, for the start retries. */
    ScheduledExecutorService scheduler() {
        return probes;
    }

    /**
     * Starts probing.
     *
     * @param sourceAnswers asks the source; true when it answered
     */
    void start(BooleanSupplier sourceAnswers, SourceRights rights, TargetProbe target, SlaveReads slaveReads) {
        probes.scheduleWithFixedDelay(() -> {
            if (sourceAnswers.getAsBoolean()) {
                rights.check();
            }
            target.probe();
        }, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
        slaveReader.scheduleWithFixedDelay(() -> {
            try {
                slaveReads.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: reading from source slaves failed: {}", linkName, SendFailure.describe(e), e);
            }
        }, SLAVE_READS_MILLIS, SLAVE_READS_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code read} now and {@code every} after each run ends, on a thread of its own. */
    void readPendingEvery(Duration every, Runnable read) {
        pendingReader.scheduleWithFixedDelay(() -> {
            try {
                read.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: asking the source what it holds not yet due failed: {}", linkName,
                    SendFailure.describe(e), e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Writes the consumer's offsets to the source every {@code interval} from now. RocketMQ's client does so too,
     * but first 10 s after it starts, and with read-ahead the consumer's own pulls, which also carry its offset,
     * are rare: a process that died in its first seconds re-read everything it had copied.
     */
    void commitEvery(Duration interval, Runnable commit) {
        long millis = interval.toMillis();
        probes.scheduleWithFixedDelay(commit, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        probes.shutdownNow();
        slaveReader.shutdownNow();
        pendingReader.shutdownNow();
    }

    private static ScheduledExecutorService daemonScheduler(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }
}
