package dev.ferry.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbProcessedMessagesTest extends ProcessedMessagesContract {

    @TempDir
    Path dir;

    @Override
    ProcessedMessages create() {
        return open(dir.resolve("contract"));
    }

    private RocksDbProcessedMessages open(Path db) {
        return (RocksDbProcessedMessages) ProcessedMessageStores.rocksDb(db).retention(RETENTION).clock(clock).open();
    }

    @Test
    void doneKeysSurviveARestartAndInProgressClaimsDoNot() {
        Path db = dir.resolve("restart");
        try (ProcessedMessages first = open(db)) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(first.claim("done-" + i)).isEqualTo(Claim.NEW);
                first.done("done-" + i);
            }
            assertThat(first.claim("in-progress")).isEqualTo(Claim.NEW);
            assertThat(first.claim("released")).isEqualTo(Claim.NEW);
            first.release("released");
        }

        try (ProcessedMessages second = open(db)) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(second.claim("done-" + i)).as("done-" + i).isEqualTo(Claim.DONE);
            }
            assertThat(second.claim("in-progress")).isEqualTo(Claim.NEW);
            assertThat(second.claim("released")).isEqualTo(Claim.NEW);
            assertThat(second.claim("never-seen")).isEqualTo(Claim.NEW);
        }
    }

    @Test
    void theSweepDeletesExpiredKeysFromDiskAndKeepsYoungOnes() {
        Path db = dir.resolve("sweep");
        try (RocksDbProcessedMessages first = open(db)) {
            for (int i = 0; i < 500; i++) {
                first.done("old-" + i);
            }
            clock.advance(RETENTION.minusMinutes(1));
            first.done("young");
            first.done("old-7"); // marked again: young now, its first mark must not take it away
            assertThat(first.sweep()).isZero();

            clock.advance(Duration.ofMinutes(2));
            assertThat(first.sweep()).as("old keys but old-7").isEqualTo(499);
            assertThat(first.sweep()).isZero();
        }
        // Had the sweep only hidden the old keys, moving the clock back would show them again.
        clock.advance(Duration.ofMinutes(-2).minus(RETENTION));
        try (RocksDbProcessedMessages second = open(db)) {
            assertThat(second.claim("old-1")).isEqualTo(Claim.NEW);
            assertThat(second.claim("old-499")).isEqualTo(Claim.NEW);
            assertThat(second.claim("old-7")).isEqualTo(Claim.DONE);
            assertThat(second.claim("young")).isEqualTo(Claim.DONE);
        }
    }

    @Test
    void aSecondStoreOnTheSameFolderIsRefusedWhileTheFirstIsOpen() {
        Path db = dir.resolve("locked");
        try (ProcessedMessages first = open(db)) {
            first.done("a");
            assertThatThrownBy(() -> open(db))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(db.toAbsolutePath().toString());
        }
        try (ProcessedMessages again = open(db)) {
            assertThat(again.claim("a")).isEqualTo(Claim.DONE);
        }
    }

    @Test
    void aClosedStoreRefusesWorkAndClosesOnlyOnce() {
        RocksDbProcessedMessages closed = open(dir.resolve("closed"));
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.claim("a")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> closed.done("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::sweep).isInstanceOf(IllegalStateException.class);
        closed.release("a");
    }

    @Test
    void keysAreStoredAsTheyAreWhateverTheirCharacters() {
        String unusual = "订单-42 \u0000 with:colons/and spaces";
        store.done(unusual);

        assertThat(store.claim(unusual)).isEqualTo(Claim.DONE);
        assertThat(store.claim("订单-42")).isEqualTo(Claim.NEW);
    }
}
