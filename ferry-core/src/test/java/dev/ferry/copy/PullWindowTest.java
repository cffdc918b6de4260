package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/**
 * Pulls made ahead, answered in any order, overlapping or leaving gaps: the consumer gets each message its
 * subscription takes exactly once, in offset order, and nothing past a range no pull covered.
 */
class PullWindowTest {

    private final PullWindow window = new PullWindow();

    @Test
    void answersArrivingOutOfOrderAreGivenInOrder() {
        window.learn(100, 132, 1_000);
        window.pulling(132);
        window.pulling(164);
        window.pulled(range(164, 196, offset -> true));
        assertThat(window.take(132)).as("nothing covers 132 yet").isEmpty();
        window.pulled(range(132, 164, offset -> true));

        PullWindow.Answer answer = window.take(132).orElseThrow();

        assertThat(offsets(answer)).containsExactlyElementsOf(LongStream.range(132, 196).boxed().toList());
        assertThat(answer.next()).isEqualTo(196);
        assertThat(answer.maxOffset()).isEqualTo(1_000);
        assertThat(window.bufferedBytes()).as("taken: forgotten").isZero();
    }

    @Test
    void aGapIsNotJumpedOver() {
        window.pulled(range(100, 120, offset -> true)); // the broker answered fewer than asked
        window.pulled(range(132, 164, offset -> true));

        PullWindow.Answer first = window.take(100).orElseThrow();
        assertThat(first.next()).isEqualTo(120);
        assertThat(offsets(first)).last().isEqualTo(119L);
        assertThat(window.take(120)).as("120..131 not pulled").isEmpty();
        assertThat(window.mayCover(120)).isFalse();

        window.pulling(120);
        assertThat(window.mayCover(120)).isTrue();
        window.pulled(range(120, 140, offset -> true));
        PullWindow.Answer second = window.take(120).orElseThrow();
        assertThat(offsets(second)).containsExactlyElementsOf(LongStream.range(120, 164).boxed().toList());
    }

    @Test
    void overlappingRangesOfAFilteredQueueGiveEachMessageOnce() {
        LongPredicate even = offset -> offset % 2 == 0;
        window.pulled(range(100, 150, even)); // the filter passed over odd offsets: it reached further
        window.pulled(range(132, 170, even));

        PullWindow.Answer answer = window.take(100).orElseThrow();

        assertThat(offsets(answer)).containsExactlyElementsOf(
            LongStream.range(100, 170).filter(even).boxed().toList());
        assertThat(answer.next()).isEqualTo(170);
    }

    @Test
    void aRangeWithNothingTheFilterTakesStillMovesTheConsumerOn() {
        window.pulled(range(100, 400, offset -> false));
        PullWindow.Answer answer = window.take(100).orElseThrow();
        assertThat(answer.messages()).isEmpty();
        assertThat(answer.next()).isEqualTo(400);
    }

    @Test
    void pullsAheadStopAtDepthAndAtTheQueuesEnd() {
        window.learn(0, 32, 100);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var next = window.nextAhead(32, 8);
            if (next.isEmpty()) {
                break;
            }
            window.pulling(next.getAsLong());
            starts.add(next.getAsLong());
        }
        assertThat(starts).as("32 a pull, up to the end at 100").containsExactly(32L, 64L, 96L);

        PullWindow deep = new PullWindow();
        deep.learn(0, 32, 1_000_000);
        for (int i = 0; i < 8; i++) {
            deep.pulling(deep.nextAhead(32, 8).orElseThrow());
        }
        assertThat(deep.nextAhead(32, 8)).as("8 out").isEmpty();
    }

    @Test
    void whatTheConsumerMovedPastIsForgotten() {
        window.pulled(range(100, 132, offset -> true));
        assertThat(window.bufferedBytes()).isPositive();
        assertThat(window.take(500)).isEmpty();
        assertThat(window.bufferedBytes()).isZero();
    }

    /** Any order of answers, any cuts: the consumer reads every message once, in order. */
    @Test
    void randomCutsAndOrdersNeverLoseDuplicateOrReorder() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            PullWindow w = new PullWindow();
            LongPredicate taken = offset -> offset % 3 != 1;
            List<PullWindow.Range> answers = new ArrayList<>();
            long at = 0;
            while (at < 300) {
                long start = Math.max(0, at - random.nextInt(5)); // some overlap
                long next = start + 1 + random.nextInt(40);
                answers.add(range(start, next, taken));
                at = next + (random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0); // some gaps
            }
            Collections.shuffle(answers, random);
            List<Long> read = new ArrayList<>();
            long consumer = 0;
            for (PullWindow.Range answer : answers) {
                w.pulled(answer);
                while (true) {
                    var got = w.take(consumer);
                    if (got.isEmpty()) {
                        break;
                    }
                    read.addAll(offsets(got.get()));
                    consumer = got.get().next();
                }
            }
            // Whatever the gaps left unread, what was read is a prefix of the truth, in order, each once.
            List<Long> truth = LongStream.range(0, consumer).filter(taken).boxed().toList();
            assertThat(read).as("round %d", round).containsExactlyElementsOf(truth);
        }
    }

    private static PullWindow.Range range(long start, long next, LongPredicate taken) {
        List<MessageExt> messages = new ArrayList<>();
        for (long offset = start; offset < next; offset++) {
            if (taken.test(offset)) {
                MessageExt m = new MessageExt();
                m.setQueueOffset(offset);
                m.setBody(new byte[] {1, 2, 3});
                messages.add(m);
            }
        }
        return new PullWindow.Range(start, next, messages, 1_000);
    }

    private static List<Long> offsets(PullWindow.Answer answer) {
        return answer.messages().stream().map(MessageExt::getQueueOffset).toList();
    }
}
