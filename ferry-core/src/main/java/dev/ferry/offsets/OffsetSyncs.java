package dev.ferry.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the copies of one source queue landed on its target queue: a bounded set of offset syncs, each
 * saying "the message at source offset s is stored at target offset t", used to translate a consumer group's
 * committed source offset into a target offset it can resume from.
 *
 * <p>Why translation needs syncs at all: target offsets are not source offsets. The target queue may hold
 * messages of its own (two-way, aggregation), copies of skipped or filtered source messages are missing, and
 * a re-copy after a crash leaves duplicates. Only the copier knows, per acknowledged batch, where the last
 * message went.
 *
 * <p>Translation. A group's committed offset {@code c} means "every message below c was consumed". Take the
 * newest sync with {@code s < c}; its message was consumed, and so was every earlier message of the queue,
 * whose copies all lie at or before {@code t} on the target (per-queue order is kept). So {@code t + 1} is
 * safe: the group skips nothing. It may re-read the copies of {@code s+1 .. c-1}, at most {@code c - 1 - s}
 * messages (plus, on a shared target queue, the target's own messages after t):
 *
 * <pre>
 *   source:   ... s-1  [s]  s+1  s+2 | c ...        sync (s -&gt; t), group committed c
 *   target:   ... x  [t]  x  s+1' s+2' ...           resume at t+1: re-reads s+1', s+2' at most
 * </pre>
 *
 * <p>A group at or behind the oldest sync ever kept cannot be translated: its messages may sit anywhere before
 * that sync's target offset. The answer is empty; callers resume it from the start of the target queue
 * ({@link OffsetSyncStore#translate}): a re-read, never a loss.
 *
 * <p>Retention: bounded, exact near the live end, and spanning everything since the first sync. Every sync
 * within {@value #DENSE} of the newest is kept, where consumers usually are, so they translate exactly. The
 * oldest sync is never dropped. In between, a sync is dropped only when its neighbours stay close enough for
 * their distance from the newest:
 *
 * <pre>
 *   kept:      o ----------------- a ------- b --- c - d -e-f-ghijk|  (n = newest; dense window at the end)
 *   gap a..b   must be &lt;= distance of b from n        (b - a &lt;= n - b)
 * </pre>
 *
 * <p>Invariants (checked as properties in {@code OffsetSyncsTest}):
 * <ol>
 *   <li>Source offsets of the kept syncs strictly increase, and so do their target offsets (a target queue only
 *       grows). A sync not newer than the newest in both (a re-copy after a restart) is ignored.</li>
 *   <li>The oldest sync ever added is kept, and so is the newest; every sync within {@value #DENSE} of the
 *       newest is kept.</li>
 *   <li>Gap: for any two neighbouring kept syncs {@code a < b}, either nothing was ever added between them, or
 *       {@code b - a <= n - b}. So a group {@code d} messages behind the newest (committed {@code c = n + 1 - d},
 *       with {@code a < c <= b}) re-reads {@code c - 1 - a < b - a <= n - b < d}: fewer than its distance.</li>
 *   <li>At most {@value #THIN_AT} syncs are kept. Beyond the dense window a kept sync's distance halves at least
 *       every second kept sync (by the gap rule), so at most about 2 x 64 of them survive a thinning.</li>
 * </ol>
 *
 * <p>Why not one sync per power-of-two distance, newest first: as the newest moves on, each kept sync drifts
 * into a range that already holds a newer one and is dropped in turn, so nothing further back than about
 * {@code 2 x DENSE} would survive, and a group half a topic behind could not be translated at all (the bug
 * that lost a failover). Kafka MirrorMaker 2's {@code OffsetSyncStore} keeps its first sync in its last slot for
 * the same reason.
 *
 * <p>Not thread-safe; callers synchronise.
 */
final class OffsetSyncs {

    /** The message at {@code source} offset of the source queue is stored at {@code target} offset of the target queue. */
    record OffsetSync(long source, long target) {
    }

    /** Syncs this close to the newest are all kept: consumers usually lag less than this, and translate exactly. */
    static final long DENSE = 512;
    /** At this many syncs the store thins what lies between the oldest and the dense window. */
    static final int THIN_AT = 1_024;

    private final List<OffsetSync> syncs = new ArrayList<>(); // oldest first

    /** Records a sync; ignores one not newer than the newest (in source and in target offset). */
    void add(long sourceOffset, long targetOffset) {
        if (!syncs.isEmpty()) {
            OffsetSync newest = syncs.get(syncs.size() - 1);
            if (sourceOffset <= newest.source() || targetOffset <= newest.target()) {
                return;
            }
        }
        syncs.add(new OffsetSync(sourceOffset, targetOffset));
        // Thinned in bulk: the copier records every message, and extra syncs only make translation finer.
        if (syncs.size() >= THIN_AT) {
            thin();
        }
    }

    /**
     * The target offset from which a group that committed {@code committedSourceOffset} resumes without
     * skipping a message: empty when no kept sync is below it.
     */
    OptionalLong translate(long committedSourceOffset) {
        OffsetSync below = newestBelow(committedSourceOffset);
        return below == null ? OptionalLong.empty() : OptionalLong.of(below.target() + 1);
    }

    /** At most how many copies a group resuming at {@link #translate} reads that it had already consumed. */
    long reReadAtMost(long committedSourceOffset) {
        OffsetSync below = newestBelow(committedSourceOffset);
        return below == null ? -1 : committedSourceOffset - 1 - below.source();
    }

    /**
     * Going back: the source offset of the first message a group that committed {@code committedTargetOffset}
     * on the target queue may not have consumed. The newest sync below it was consumed there, and so was every
     * earlier message of the source queue (order is kept): {@code s + 1}. Empty when no kept sync is below.
     */
    OptionalLong translateBack(long committedTargetOffset) {
        for (int i = syncs.size() - 1; i >= 0; i--) {
            if (syncs.get(i).target() < committedTargetOffset) {
                return OptionalLong.of(syncs.get(i).source() + 1);
            }
        }
        return OptionalLong.empty();
    }

    /** The newest sync kept; null when none. */
    OffsetSync newest() {
        return syncs.isEmpty() ? null : syncs.get(syncs.size() - 1);
    }

    /** The oldest sync kept, the first ever added; null when none. */
    OffsetSync oldest() {
        return syncs.isEmpty() ? null : syncs.get(0);
    }

    List<OffsetSync> kept() {
        return List.copyOf(syncs);
    }

    private OffsetSync newestBelow(long committedSourceOffset) {
        for (int i = syncs.size() - 1; i >= 0; i--) {
            if (syncs.get(i).source() < committedSourceOffset) {
                return syncs.get(i);
            }
        }
        return null;
    }

    /**
     * Walks from the oldest to the dense window, dropping each sync whose successor is close enough to the last
     * sync kept ({@code next - kept <= n - next}): the pair that is left meets the gap invariant. A sync whose
     * successor is too far is kept, so the gap before the successor is the one that existed already.
     */
    private void thin() {
        long newest = syncs.get(syncs.size() - 1).source();
        List<OffsetSync> kept = new ArrayList<>(syncs.size());
        kept.add(syncs.get(0));
        for (int i = 1; i < syncs.size(); i++) {
            OffsetSync sync = syncs.get(i);
            boolean dense = newest - sync.source() <= DENSE;
            if (!dense) {
                long last = kept.get(kept.size() - 1).source();
                long next = syncs.get(i + 1).source(); // exists: the newest is dense
                if (next - last <= newest - next) {
                    continue;
                }
            }
            kept.add(sync);
        }
        syncs.clear();
        syncs.addAll(kept);
    }
}
