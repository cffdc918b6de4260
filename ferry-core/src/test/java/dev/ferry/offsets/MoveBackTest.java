package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The picture of {@link MoveBack}'s comment, with numbers: A stored a0..a9 and had copied a0..a5 when it
 * failed; B took b0..b3; when A came back a6..a9 were copied to B, and b0..b3 copied back to A.
 *
 * <pre>
 *   A offsets:  0..5 a0..a5 | 6..9 a6..a9 | 10..13 b0'..b3'
 *   B offsets:  0..5 a0'..a5' | 6..9 b0..b3 | 10..13 a6'..a9'
 * </pre>
 */
class MoveBackTest {

    private static final MessageQueue ON_A = new MessageQueue("orders", "a-broker", 0);
    private static final MessageQueue ON_B = new MessageQueue("orders", "b-broker", 0);

    private static OffsetSyncStore everyCopyOfA() {
        OffsetSyncStore outbound = new OffsetSyncStore();
        for (int a = 0; a <= 5; a++) {
            outbound.record(ON_A, ON_B, a, a);
        }
        for (int a = 6; a <= 9; a++) {
            outbound.record(ON_A, ON_B, a, a + 4);
        }
        return outbound;
    }

    private static OffsetSyncStore copiesBack() {
        OffsetSyncStore inbound = new OffsetSyncStore();
        for (int b = 6; b <= 9; b++) {
            inbound.record(ON_B, ON_A, b, b + 4);
        }
        return inbound;
    }

    private static List<MoveBack.Position> plan(OffsetSyncStore outbound, Map<MessageQueue, Long> committedOnB) {
        return MoveBack.plan(outbound, copiesBack(), committedOnB, Map.of(ON_A, 10L), Map.of(ON_A, 14L));
    }

    private static long resumeAt(OffsetSyncStore outbound, long committedOnB) {
        List<MoveBack.Position> plan = plan(outbound, Map.of(ON_B, committedOnB));
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).end()).isEqualTo(14);
        return plan.get(0).resumeAt();
    }

    @Test
    void aGroupThatConsumedEverythingOnBResumesAtTheEndOfA() {
        assertThat(resumeAt(everyCopyOfA(), 14)).isEqualTo(14);
    }

    @Test
    void aGroupThatHasNotReadWhatAHeldResumesThereAndReadsBsMessagesAgain() {
        // Consumed a0'..a5' and b0..b3, not a6'..a9': a6 lies before b0' on A.
        assertThat(resumeAt(everyCopyOfA(), 10)).isEqualTo(6);
    }

    @Test
    void aGroupInTheMiddleOfBsMessagesResumesAtTheSmallerOfBothPositions() {
        // Consumed a0'..a5', b0, b1: the first unconsumed of A's own is a6 (offset 6), of B's b2' (offset 12).
        assertThat(resumeAt(everyCopyOfA(), 8)).isEqualTo(6);
    }

    @Test
    void aGroupThatConsumedOnlyPartOfAsCopiesResumesAtTheFirstItMissed() {
        assertThat(resumeAt(everyCopyOfA(), 3)).isEqualTo(3);
    }

    @Test
    void aGroupThatConsumedOnlyBsMessagesOfTheCopyBackResumesAtTheFirstCopyItMissed() {
        // A's own all consumed (even a6'..a9'), B's: b0 consumed, b1.. not. Only possible with its own order
        // on B being different, as when B's queue holds nothing of A: the copy-back constraint alone.
        OffsetSyncStore nothingOfA = new OffsetSyncStore();
        assertThat(resumeAt(nothingOfA, 7)).isEqualTo(11);
        assertThat(resumeAt(nothingOfA, 0)).as("none of B's consumed: the first copy back").isEqualTo(10);
    }

    @Test
    void withTheSparseSyncsOfTheLogItReReadsALittleAndNeverSkips() {
        OffsetSyncStore sampled = new OffsetSyncStore();
        sampled.record(ON_A, ON_B, 5, 5);
        sampled.record(ON_A, ON_B, 9, 13);
        assertThat(resumeAt(sampled, 14)).isEqualTo(14);
        assertThat(resumeAt(sampled, 10)).isEqualTo(6);
        assertThat(resumeAt(sampled, 5)).as("behind every sync: from the start").isZero();
    }

    @Test
    void aLogWithoutTheLastSyncNeverConcludesThatEverythingWasConsumed() {
        // The copies of a8, a9 have no sync yet: the group past a7' may not have read them.
        OffsetSyncStore lagging = new OffsetSyncStore();
        lagging.record(ON_A, ON_B, 5, 5);
        lagging.record(ON_A, ON_B, 7, 11);
        assertThat(resumeAt(lagging, 12)).isEqualTo(8);
    }

    @Test
    void aGroupWithNoProgressOnBIsLeftAlone() {
        assertThat(plan(everyCopyOfA(), Map.of())).isEmpty();
        assertThat(plan(everyCopyOfA(), Map.of(new MessageQueue("orders", "b-broker", 1), 5L))).isEmpty();
    }
}
