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
 * <p>A group behind every sync kept cannot be translated (its messages may sit anywhere before the oldest
 * sync's target offset): the answer is empty, and callers keep their last checkpoint or start from the
 * earliest target offset — a re-read, never a loss.
 *
 * <p>Bounded, precise near the live end (after Kafka MirrorMaker 2's {@code OffsetSyncStore}): every
 * message's sync is kept within {@value #DENSE} of the newest, where consumers usually are, so they translate
 * exactly; further back, one sync per power-of-two distance, so 64 more slots span any lag, and a group that is
 * {@code d} messages behind re-reads at most about {@code d}:
 *
 * <pre>
 *   distance behind newest:   0 .. 512 | 513-1023 | 1024-2047 | ... | 2^62-2^63-1
 *   syncs kept:               every one |    1     |     1     |     |     1        (the newest in each range)
 * </pre>
 *
 * <p>Invariants: at most {@value #THIN_AT} syncs are kept; source offsets of the kept syncs strictly increase, and so do their target offsets (a
 * target queue only grows). A sync older than the newest (a re-copy after a restart) is ignored. Not
 * thread-safe; callers synchronise.
 */
final class OffsetSyncs {

    /** The message at {@code source} offset of the source queue is stored at {@code target} offset of the target queue. */
    record OffsetSync(long source, long target) {
    }

    /** Syncs this close to the newest are all kept: consumers usually lag less than this, and translate exactly. */
    static final long DENSE = 512;
    /** Above this many syncs the store thins what is beyond {@link #DENSE} to one per distance range. */
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

    /** Keeps every sync within {@link #DENSE} of the newest, and beyond, the newest of each power-of-two range. */
    private void thin() {
        long newest = syncs.get(syncs.size() - 1).source();
        int lastRange = Integer.MIN_VALUE;
        // Walk from the newest back; within a range the first seen is the newest, later ones go.
        for (int i = syncs.size() - 1; i >= 0; i--) {
            long distance = newest - syncs.get(i).source();
            if (distance <= DENSE) {
                continue;
            }
            int range = range(distance);
            if (range == lastRange) {
                syncs.remove(i);
            } else {
                lastRange = range;
            }
        }
    }

    /** 0 for distance 0, else 1 + floor(log2(distance)): 1 for 1, 2 for 2-3, 3 for 4-7, ... */
    private static int range(long distance) {
        return distance == 0 ? 0 : 64 - Long.numberOfLeadingZeros(distance);
    }
}
