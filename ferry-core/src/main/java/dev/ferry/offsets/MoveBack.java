package dev.ferry.offsets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where a consumer group resumes on its home cluster A when it moves back from the standby B after a
 * failback: the pure half of {@code ferry failback}, apart from the I/O.
 *
 * <p>By the time progress moves back, each queue of A holds its own messages (the last of them copied to B
 * only when A came back), then what B took while A was down, copied back. B holds the same, in another
 * order:
 *
 * <pre>
 *   A:  a0 a1 ... a(k-1) | ak ... a(n-1)   | b0' b1' ... b(m-1)'        ak..: held by A when it failed
 *   B:  a0' ... a(k-1)'  | b0 b1 ... b(m-1) | ak' ... a(n-1)'           copied when A came back
 *                                       ^ the group committed c here
 * </pre>
 *
 * <p>The group committed an offset {@code c} on each queue of B: everything below was consumed. Two kinds
 * of message on A may not have been:
 * <ul>
 *   <li>A's own, whose copy on B lies at or after {@code c}. Going back through the A -&gt; B syncs, the
 *       newest sync {@code (a -> b)} with {@code b < c} was consumed, and every earlier message of A's queue
 *       with it: {@code a + 1} is safe ({@link OffsetSyncs#translateBack}). When the copy of A's last message
 *       lies below {@code c}, all of them were consumed.</li>
 *   <li>B's own, copied back, at B offsets at or after {@code c}. Forward through the B -&gt; A syncs, as a
 *       failover translates: the newest sync {@code (b -> a')} with {@code b < c} gives {@code a' + 1}; when
 *       none lies below {@code c}, the first copy, where copying back began.</li>
 * </ul>
 * The group resumes on each queue of A at the smallest of these: it may re-read what lies between (as in the
 * picture, where it consumed b0.. but not ak..: it resumes at ak and reads b0'.. again), and never skips a
 * message. When it consumed everything of both kinds it resumes at A's end, re-reading nothing.
 *
 * <p>A queue is left alone when the group has no committed offset on any queue of B that it relates to: the
 * group never consumed that part on B, and its offset on A still says where it stopped there.
 */
public final class MoveBack {

    /**
     * One queue of A.
     *
     * @param resumeAt where the group resumes on A
     * @param end      A's end of the queue now: the group reads {@code end - resumeAt} messages there
     */
    public record Position(MessageQueue queue, long resumeAt, long end) {
    }

    private MoveBack() {
    }

    /**
     * @param outbound      the A -&gt; B syncs: source queues of A, target queues of B
     * @param inbound       the B -&gt; A syncs of the copy back: source queues of B, target queues of A
     * @param committedOnB  the group's committed offsets on B's queues (a queue it has none on is absent)
     * @param copyBackStart per queue of A, its end before copying back began: where B's copies start
     * @param endOnA        per queue of A, its end now
     */
    public static List<Position> plan(OffsetSyncStore outbound, OffsetSyncStore inbound,
                                      Map<MessageQueue, Long> committedOnB, Map<MessageQueue, Long> copyBackStart,
                                      Map<MessageQueue, Long> endOnA) {
        Map<MessageQueue, MessageQueue> outRoutes = outbound.routes();
        Map<MessageQueue, MessageQueue> inRoutes = inbound.routes();
        List<Position> positions = new ArrayList<>();
        for (Map.Entry<MessageQueue, Long> queue : endOnA.entrySet()) {
            MessageQueue home = queue.getKey();
            long end = queue.getValue();
            boolean consumedOnB = false;
            long resumeAt = end;
            for (Map.Entry<MessageQueue, MessageQueue> route : outRoutes.entrySet()) {
                Long committed = route.getKey().equals(home) ? committedOnB.get(route.getValue()) : null;
                if (committed == null || committed < 0) {
                    continue;
                }
                consumedOnB = true;
                long lastOwn = copyBackStart.getOrDefault(home, end) - 1;
                OptionalLong own = outbound.read(home, syncs -> firstUnconsumedOwn(syncs, committed, lastOwn));
                if (own.isPresent()) {
                    resumeAt = Math.min(resumeAt, own.getAsLong());
                }
            }
            for (Map.Entry<MessageQueue, MessageQueue> route : inRoutes.entrySet()) {
                if (!route.getValue().equals(home)) {
                    continue;
                }
                Long committed = committedOnB.get(route.getKey());
                consumedOnB |= committed != null && committed >= 0;
                long start = copyBackStart.getOrDefault(home, end);
                OptionalLong copied = inbound.read(route.getKey(),
                    syncs -> firstUnconsumedCopy(syncs, committed == null ? 0 : Math.max(0, committed), start));
                if (copied.isPresent()) {
                    resumeAt = Math.min(resumeAt, copied.getAsLong());
                }
            }
            if (consumedOnB) {
                positions.add(new Position(home, resumeAt, end));
            }
        }
        positions.sort(Comparator.comparing((Position p) -> p.queue().getTopic())
            .thenComparing(p -> p.queue().getBrokerName()).thenComparingInt(p -> p.queue().getQueueId()));
        return positions;
    }

    /**
     * A's own messages: the first one whose copy on B the group has not consumed; empty when none. All were
     * consumed only if the newest sync is that of A's last message ({@code lastOwn}) and lies below the
     * commit; a log that lacks the last sync says nothing about the messages after its newest.
     */
    private static OptionalLong firstUnconsumedOwn(OffsetSyncs syncs, long committedOnB, long lastOwn) {
        OffsetSyncs.OffsetSync newest = syncs == null ? null : syncs.newest();
        if (newest == null || newest.source() >= lastOwn && newest.target() < committedOnB) {
            return OptionalLong.empty();
        }
        OptionalLong back = syncs.translateBack(committedOnB);
        // Behind every sync kept: from the start of the queue, a re-read rather than a loss.
        return back.isPresent() ? back : OptionalLong.of(0);
    }

    /** B's messages copied back: where on A the first one the group has not consumed lies; empty when none. */
    private static OptionalLong firstUnconsumedCopy(OffsetSyncs syncs, long committedOnB, long copyBackStart) {
        OffsetSyncs.OffsetSync newest = syncs == null ? null : syncs.newest();
        if (newest == null || newest.source() < committedOnB) {
            return OptionalLong.empty();
        }
        OptionalLong forward = syncs.translate(committedOnB);
        return forward.isPresent() ? forward : OptionalLong.of(copyBackStart);
    }
}
