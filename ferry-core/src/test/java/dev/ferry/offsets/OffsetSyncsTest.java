package dev.ferry.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * The failover bug: syncs for 0..2,499 added one by one (a queue of 2,500 copies), a group that consumed half
     * of them. Before, thinning had dropped every sync older than ~1,530, so the group had no translation.
     */
    @Test
    void aGroupHalfAQueueBehindIsTranslated() {
        OffsetSyncs syncs = new OffsetSyncs();
        for (long offset = 0; offset < 2_500; offset++) {
            syncs.add(offset, 800 + offset); // the target queue held 800 messages of its own first
        }
        assertThat(syncs.oldest()).isEqualTo(new OffsetSyncs.OffsetSync(0, 800));
        OptionalLong resume = syncs.translate(1_250);
        assertThat(resume).isPresent();
        assertThat(resume.getAsLong()).isLessThanOrEqualTo(800 + 1_250); // never past the first unconsumed copy
        assertThat(syncs.reReadAtMost(1_250)).isBetween(0L, 1_250L);
    }

    /**
     * The retention promise as a property: for random streams of syncs (per message, sparse as under a filter,
     * in batches, with the target interleaving messages of its own), after every add the invariants of the class
     * comment hold against everything ever added, and every committed offset from just above the oldest sync to
     * the live end translates without skipping, re-reading fewer messages than its distance from the newest (or
     * no more than the copies between two syncs that were never apart).
     */
    @Test
    void retentionKeepsItsPromiseForAnyStreamOfSyncs() {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            int maxStep = seed % 4 == 0 ? 1 : 1 + random.nextInt(seed % 4 == 1 ? 3 : 300);
            int count = 2_000 + random.nextInt(20_000);
            OffsetSyncs syncs = new OffsetSyncs();
            List<OffsetSyncs.OffsetSync> added = new ArrayList<>();
            long source = random.nextInt(1_000);
            long target = random.nextInt(1_000);
            for (int i = 0; i < count; i++) {
                syncs.add(source, target);
                added.add(new OffsetSyncs.OffsetSync(source, target));
                if (i % 997 == 0 || i == count - 1) {
                    assertInvariants(syncs, added, "seed " + seed + " after " + (i + 1));
                }
                source += 1 + random.nextInt(maxStep);
                target += 1 + random.nextInt(3);
            }
            assertTranslation(syncs, added, "seed " + seed);
        }
    }

    @Test
    void aGroupAtOrBehindTheOldestSyncHasNoTranslation() {
        OffsetSyncs syncs = new OffsetSyncs();
        for (long offset = 100; offset < 50_000; offset++) {
            syncs.add(offset, offset);
        }
        assertThat(syncs.translate(100)).isEmpty();
        assertThat(syncs.translate(101)).hasValue(101);
        assertThat(syncs.reReadAtMost(101)).isZero();
    }

    private static void assertInvariants(OffsetSyncs syncs, List<OffsetSyncs.OffsetSync> added, String when) {
        List<OffsetSyncs.OffsetSync> kept = syncs.kept();
        OffsetSyncs.OffsetSync newest = added.get(added.size() - 1);
        assertThat(kept.size()).as(when).isLessThanOrEqualTo(OffsetSyncs.THIN_AT);
        assertThat(kept.get(0)).as("oldest kept, " + when).isEqualTo(added.get(0));
        assertThat(kept.get(kept.size() - 1)).as("newest kept, " + when).isEqualTo(newest);
        assertThat(kept).as("dense window kept, " + when).containsAll(added.stream()
            .filter(s -> newest.source() - s.source() <= OffsetSyncs.DENSE).toList());
        int position = 0; // of kept.get(k) in added
        for (int k = 1; k < kept.size(); k++) {
            OffsetSyncs.OffsetSync a = kept.get(k - 1);
            OffsetSyncs.OffsetSync b = kept.get(k);
            assertThat(b.source()).as(when).isGreaterThan(a.source());
            assertThat(b.target()).as(when).isGreaterThan(a.target());
            int next = added.indexOf(b);
            boolean neighboursWhenAdded = next == position + 1;
            if (!neighboursWhenAdded) {
                assertThat(b.source() - a.source()).as("gap %s..%s, %s", a, b, when)
                    .isLessThanOrEqualTo(newest.source() - b.source());
            }
            position = next;
        }
    }

    private static void assertTranslation(OffsetSyncs syncs, List<OffsetSyncs.OffsetSync> added, String when) {
        long oldest = added.get(0).source();
        long newest = added.get(added.size() - 1).source();
        long largestStep = 0;
        for (int i = 1; i < added.size(); i++) {
            largestStep = Math.max(largestStep, added.get(i).source() - added.get(i - 1).source());
        }
        long[] sources = added.stream().mapToLong(OffsetSyncs.OffsetSync::source).toArray();
        Random random = new Random(newest);
        for (int probe = 0; probe < 6_000; probe++) {
            // the first and the last 2,000 offsets one by one, the rest at random
            long committed = probe < 2_000 ? oldest + 1 + probe
                : probe < 4_000 ? newest + 1 - (probe - 2_000)
                : oldest + 1 + (long) (random.nextDouble() * (newest - oldest));
            if (committed <= oldest || committed > newest + 1) {
                continue;
            }
            OptionalLong resume = syncs.translate(committed);
            assertThat(resume).as("committed %d, %s", committed, when).isPresent();
            // Safe: resume just after the copy of the newest sync ever added below c, or earlier.
            int below = Arrays.binarySearch(sources, committed - 1);
            OffsetSyncs.OffsetSync exact = added.get(below >= 0 ? below : -below - 2);
            assertThat(resume.getAsLong()).as("committed %d, %s", committed, when)
                .isLessThanOrEqualTo(exact.target() + 1);
            long distance = newest + 1 - committed;
            assertThat(syncs.reReadAtMost(committed)).as("committed %d, %s", committed, when)
                .isLessThan(Math.max(distance, largestStep));
        }
    }
}
