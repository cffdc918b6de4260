package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OffsetSyncsTest {

    @Test
    void translatesToJustAfterTheCopyOfTheNewestConsumedSync() {
        OffsetSyncs syncs = new OffsetSyncs();
        // source 0..99 copied in batches of 10 to a target queue that also holds 5 messages of its own first
        for (long last = 9; last < 100; last += 10) {
            syncs.add(last, last + 5);
        }
        // consumed 0..49: the sync (49 -> 54) is consumed, resume at 55 exactly
        assertThat(syncs.translate(50)).hasValue(55);
        assertThat(syncs.reReadAtMost(50)).isZero();
        // consumed 0..44: newest sync below 45 is (39 -> 44): resume at 45, re-reading at most 40..44
        assertThat(syncs.translate(45)).hasValue(45);
        assertThat(syncs.reReadAtMost(45)).isEqualTo(5);
        // everything consumed
        assertThat(syncs.translate(100)).hasValue(105);
    }

    @Test
    void aGroupBehindEverySyncCannotBeTranslated() {
        OffsetSyncs syncs = new OffsetSyncs();
        syncs.add(1_000, 2_000);
        assertThat(syncs.translate(1_000)).isEmpty();
        assertThat(syncs.translate(0)).isEmpty();
        assertThat(syncs.reReadAtMost(10)).isEqualTo(-1);
    }

    @Test
    void ignoresSyncsThatAreNotNewer() {
        OffsetSyncs syncs = new OffsetSyncs();
        syncs.add(100, 100);
        syncs.add(90, 95);   // a re-copy after a restart: older source offset
        syncs.add(110, 100); // target did not grow
        assertThat(syncs.kept()).containsExactly(new OffsetSyncs.OffsetSync(100, 100));
    }

    /**
     * A million batches later: the store holds at most 1,024 syncs, translation never skips a consumed message's
     * successor, and a group d messages behind the live end re-reads at most about d (exactly 0 at the end).
     */
    @Test
    void staysBoundedAndSafeAndPreciseNearTheLiveEnd() {
        OffsetSyncs syncs = new OffsetSyncs();
        Random random = new Random(7);
        long source = -1;
        long target = 1_000;
        for (int batch = 0; batch < 1_000_000; batch++) {
            source += 1 + random.nextInt(128);
            target += 1 + random.nextInt(200); // other producers write to the target queue too
            syncs.add(source, target);
            assertThat(syncs.kept().size()).isLessThanOrEqualTo(OffsetSyncs.THIN_AT);
        }
        long newest = source;
        for (long behind : new long[] {0, 1, 5, 100, 1_000, 100_000, 10_000_000}) {
            long committed = newest + 1 - behind;
            OptionalLong resume = syncs.translate(committed);
            assertThat(resume).isPresent();
            OffsetSyncs.OffsetSync used = syncs.kept().stream().filter(s -> s.target() + 1 == resume.getAsLong())
                .findFirst().orElseThrow();
            // Safe: the sync's message was consumed, so everything at or before its copy was too.
            assertThat(used.source()).isLessThan(committed);
            // Precise: re-reads at most about the distance behind (plus one batch); none at the live end.
            assertThat(syncs.reReadAtMost(committed)).isLessThanOrEqualTo(behind == 0 ? 0 : behind + 128);
            if (behind <= 100) {
                assertThat(syncs.reReadAtMost(committed)).as("within the dense window").isLessThan(128);
            }
        }
    }

    @Test
    void aSyncPerMessageTranslatesExactlyNearTheLiveEnd() {
        OffsetSyncs syncs = new OffsetSyncs();
        for (long offset = 0; offset < 100_000; offset++) {
            syncs.add(offset, offset * 2); // the target interleaves a message of its own after each copy
        }
        assertThat(syncs.translate(99_800)).hasValue(2 * 99_799 + 1);
        assertThat(syncs.reReadAtMost(99_800)).isZero();
        assertThat(syncs.kept().size()).isLessThanOrEqualTo(OffsetSyncs.THIN_AT);
    }
}
