package dev.ferry.watermark;

import dev.ferry.config.ClusterConfig;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's watermarks, read from the target itself: for each source queue, the highest source offset whose copy
 * the target queue holds ({@link WatermarkScan} says how and why that is exact).
 *
 * <p>When it reads the target, and why then:
 * <pre>
 *   this process takes the queue (start, restart after a crash, a rebalance)   the last owner may have stored
 *                                                                             more than it committed
 *   a send of the queue ended unknown (timeout, connection lost)               the target may have stored it
 * </pre>
 * Otherwise it remembers: while this process holds a queue it is the queue's only writer (it sends only while it
 * holds the queue's lock on the source broker), so nothing but its own acknowledged sends add copies, and those
 * move the queue's offset past them anyway. "Takes the queue" is told by the tenure: an object the consumer makes
 * new each time this process is given the queue (its process queue).
 */
public final class TargetWatermarks implements Watermarks, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetWatermarks.class);
    /** The first read back covers the newest messages only: on a queue of its own, the newest is a copy. */
    static final int FIRST_CHUNK = 32;
    /** The most target messages read for one queue: beyond, the queue is copied at least once this time. */
    static final long BUDGET = 200_000;

    /** The target queue a source queue's copies go to. */
    public interface TargetQueues {
        MessageQueue targetOf(MessageQueue source) throws Exception;
    }

    /** The target offset of a known copy of a source queue in that target queue (its newest offset sync). */
    public interface KnownCopies {
        OptionalLong knownCopy(MessageQueue source, MessageQueue target);
    }

    private record Known(Object tenure, long upTo) {
    }

    private final String linkName;
    private final String sourceCluster;
    private final Predicate<Map<String, String>> trusted;
    private final TargetQueues targets;
    private final KnownCopies knownCopies;
    private final Function<MessageQueue, Object> tenure;
    private final TargetQueueReader reader;
    private final Map<MessageQueue, Known> known = new ConcurrentHashMap<>();
    private final Set<MessageQueue> saidUndecided = ConcurrentHashMap.newKeySet();
    private final AtomicLong undecided = new AtomicLong();

    /**
     * @param trusted whether a copy's stamp is to be believed (see {@link CopyOf})
     * @param tenure  the queue's tenure in this process (new each time it is given the queue), or null when the
     *                process does not hold it
     */
    public TargetWatermarks(String linkName, String sourceCluster, ClusterConfig target, long timeoutMillis,
                            Predicate<Map<String, String>> trusted, TargetQueues targets, KnownCopies knownCopies,
                            Function<MessageQueue, Object> tenure) {
        this.linkName = linkName;
        this.sourceCluster = sourceCluster;
        this.trusted = trusted;
        this.targets = targets;
        this.knownCopies = knownCopies;
        this.tenure = tenure;
        this.reader = new TargetQueueReader(target, timeoutMillis);
    }

    @Override
    public long upTo(MessageQueue source) throws Unknown {
        Object current = tenure.apply(source);
        Known remembered = known.get(source);
        if (remembered != null && current != null && remembered.tenure() == current) {
            return remembered.upTo();
        }
        long upTo = read(source);
        if (current != null) {
            known.put(source, new Known(current, upTo));
        }
        return upTo;
    }

    @Override
    public void unsure(MessageQueue source) {
        known.remove(source);
    }

    private long read(MessageQueue source) throws Unknown {
        MessageQueue target;
        WatermarkScan.Result result;
        try {
            target = targets.targetOf(source);
            long bound = knownCopies.knownCopy(source, target).orElse(0);
            result = WatermarkScan.scan(reader.of(target), new CopyOf(sourceCluster, source, trusted), bound,
                FIRST_CHUNK, BUDGET);
        } catch (Exception e) {
            throw new Unknown("cannot read what the target holds of " + source.getBrokerName() + "/"
                + source.getQueueId() + " of " + source.getTopic() + ": " + e.getMessage(), e);
        }
        if (!result.decided()) {
            undecided.incrementAndGet();
            if (saidUndecided.add(source)) {
                LOG.warn("{}: {}: no copy of the queue within the newest {} messages of target queue {} and no offset"
                    + " sync to bound the search: copying it from the committed offset, at least once (possible"
                    + " duplicates; counted in ferry_watermarks_undecided_total)", linkName, source, result.read(),
                    target);
            }
            return NONE;
        }
        LOG.debug("{}: {}: target holds copies up to source offset {} (read {} message(s) of {})", linkName, source,
            result.upTo(), result.read(), target);
        return result.upTo();
    }

    /** How many times a queue's watermark could not be decided within the budget (it was copied at least once). */
    public long undecided() {
        return undecided.get();
    }

    @Override
    public void close() {
        reader.close();
    }
}
