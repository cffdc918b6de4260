package dev.ferry.offsets;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offset syncs of one link, per source queue: fed by the copier with every batch the target
 * acknowledged, asked by the checkpointer to translate consumer groups' progress. One {@link OffsetSyncs}
 * per source queue, each bound to the one target queue its copies go to.
 *
 * <p>A process holds the syncs of the source queues it copies; that is enough, because it is also the
 * process that checkpoints those queues. When a queue moves to another process, or the process restarts,
 * the new owner starts from the syncs {@link OffsetSyncLog} kept in the target (to within a second of
 * traffic) and refines them with its own first acknowledged batches.
 */
public final class OffsetSyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetSyncStore.class);

    /** Where one source queue's messages go, and the syncs so far. */
    private record QueueSyncs(MessageQueue target, OffsetSyncs syncs) {
    }

    /**
     * A group's progress on one source queue, translated.
     *
     * @param target       the target queue the source queue is copied to
     * @param targetOffset where the group resumes on the target without skipping a message
     * @param reReadAtMost how many messages it had consumed on the source it may read again there
     */
    public record Translation(MessageQueue target, long targetOffset, long reReadAtMost) {
    }

    private final Map<MessageQueue, QueueSyncs> queues = new ConcurrentHashMap<>();

    /**
     * The source message at {@code sourceOffset} is stored at {@code targetOffset} of {@code target}. A queue's
     * syncs start anew when its target queue changes, and when a message newer than the newest sync's was stored
     * below it: a target queue only grows, so its topic was deleted and created again (or its store lost), and
     * the old syncs point into a queue that is gone. Kept, they would translate a group past copies it never
     * read. An older sync that arrives late (lower in both offsets: a log read back from several queues) is
     * not that, and is ignored as before.
     */
    public void record(MessageQueue source, MessageQueue target, long sourceOffset, long targetOffset) {
        QueueSyncs entry = queues.compute(source, (queue, known) -> known == null || !known.target().equals(target)
            || wentBack(known, sourceOffset, targetOffset) ? new QueueSyncs(target, new OffsetSyncs()) : known);
        synchronized (entry.syncs()) {
            entry.syncs().add(sourceOffset, targetOffset);
        }
    }

    private static boolean wentBack(QueueSyncs known, long sourceOffset, long targetOffset) {
        synchronized (known.syncs()) {
            OffsetSyncs.OffsetSync newest = known.syncs().newest();
            if (newest != null && sourceOffset > newest.source() && targetOffset < newest.target()) {
                LOG.warn("offset syncs of {} start anew: its copies are stored at {}, below {} before (the target"
                    + " topic was created again?)", known.target(), targetOffset, newest.target());
                return true;
            }
            return false;
        }
    }

    /** A group that committed {@code committedOffset} on {@code source}, translated; empty when not possible. */
    public Optional<Translation> translate(MessageQueue source, long committedOffset) {
        QueueSyncs entry = queues.get(source);
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry.syncs()) {
            OptionalLong offset = entry.syncs().translate(committedOffset);
            return offset.isEmpty() ? Optional.empty() : Optional.of(new Translation(entry.target(),
                offset.getAsLong(), entry.syncs().reReadAtMost(committedOffset)));
        }
    }

    /**
     * A group at or behind the oldest sync of {@code source}, which {@link #translate} cannot place: it resumes
     * from {@code targetStart}, the start of the target queue, which skips nothing. It may re-read every message
     * stored there up to the oldest sync's copy; that many is its bound. Empty when the queue has no syncs.
     *
     * <pre>
     *   source:  ... c ... [s0]            group committed c &lt;= s0 (the oldest sync)
     *   target:  start ..... [t0] ...      resume at start: the copies of c .. s0 are somewhere before t0
     * </pre>
     */
    public Optional<Translation> fromTargetStart(MessageQueue source, long targetStart) {
        QueueSyncs entry = queues.get(source);
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry.syncs()) {
            OffsetSyncs.OffsetSync oldest = entry.syncs().oldest();
            return oldest == null ? Optional.empty() : Optional.of(new Translation(entry.target(), targetStart,
                Math.max(0, oldest.target() + 1 - targetStart)));
        }
    }

    /** The target queue {@code source}'s copies go to; empty when it has no syncs. */
    public Optional<MessageQueue> targetOf(MessageQueue source) {
        QueueSyncs entry = queues.get(source);
        return entry == null ? Optional.empty() : Optional.of(entry.target());
    }

    /** For each source queue with at least one sync, the target queue its copies go to. */
    public Map<MessageQueue, MessageQueue> routes() {
        Map<MessageQueue, MessageQueue> routes = new HashMap<>();
        queues.forEach((source, entry) -> routes.put(source, entry.target()));
        return routes;
    }

    /** Reads one source queue's syncs under their lock; {@code read} gets null when the queue has none. */
    <T> T read(MessageQueue source, Function<OffsetSyncs, T> read) {
        QueueSyncs entry = queues.get(source);
        if (entry == null) {
            return read.apply(null);
        }
        synchronized (entry.syncs()) {
            return read.apply(entry.syncs());
        }
    }

    /** The source offset of a queue's newest sync; empty when it has none. */
    public OptionalLong newestSource(MessageQueue source) {
        return read(source, syncs -> syncs == null || syncs.newest() == null ? OptionalLong.empty()
            : OptionalLong.of(syncs.newest().source()));
    }

    /** The target offset of a queue's newest sync, when its copies go to {@code target}; empty otherwise. */
    public OptionalLong newestTarget(MessageQueue source, MessageQueue target) {
        QueueSyncs entry = queues.get(source);
        if (entry == null || !entry.target().equals(target)) {
            return OptionalLong.empty();
        }
        synchronized (entry.syncs()) {
            OffsetSyncs.OffsetSync newest = entry.syncs().newest();
            return newest == null ? OptionalLong.empty() : OptionalLong.of(newest.target());
        }
    }

    /** The source queues with at least one sync. */
    public Set<MessageQueue> sourceQueues() {
        return Set.copyOf(queues.keySet());
    }
}
