package dev.ferry.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryProcessedMessagesTest extends ProcessedMessagesContract {

    @Override
    ProcessedMessages create() {
        return ProcessedMessageStores.inMemory().maxEntries(10_000).retention(RETENTION).clock(clock).build();
    }

    @Test
    void keepsAtMostMaxEntriesDoneKeysForgettingTheOldest() {
        InMemoryProcessedMessages bounded = (InMemoryProcessedMessages) ProcessedMessageStores.inMemory()
            .maxEntries(100).clock(clock).build();
        for (int i = 0; i < 1_000; i++) {
            assertThat(bounded.claim("key-" + i)).isEqualTo(Claim.NEW);
            bounded.done("key-" + i);
            assertThat(bounded.size()).isLessThanOrEqualTo(100);
        }

        assertThat(bounded.size()).isEqualTo(100);
        for (int i = 900; i < 1_000; i++) {
            assertThat(bounded.claim("key-" + i)).as("key-" + i).isEqualTo(Claim.DONE);
        }
        assertThat(bounded.claim("key-899")).isEqualTo(Claim.NEW);
        assertThat(bounded.claim("key-0")).isEqualTo(Claim.NEW);
    }

    @Test
    void aKeyMarkedAgainBecomesTheYoungest() {
        ProcessedMessages bounded = ProcessedMessageStores.inMemory().maxEntries(2).clock(clock).build();
        bounded.done("a");
        bounded.done("b");
        bounded.done("a");
        bounded.done("c");

        assertThat(bounded.claim("a")).isEqualTo(Claim.DONE);
        assertThat(bounded.claim("c")).isEqualTo(Claim.DONE);
        assertThat(bounded.claim("b")).isEqualTo(Claim.NEW);
    }

    @Test
    void inProgressClaimsAreNeverEvicted() {
        ProcessedMessages bounded = ProcessedMessageStores.inMemory().maxEntries(1).clock(clock).build();
        for (int i = 0; i < 10; i++) {
            assertThat(bounded.claim("held-" + i)).isEqualTo(Claim.NEW);
        }
        bounded.done("x");
        bounded.done("y");

        for (int i = 0; i < 10; i++) {
            assertThat(bounded.claim("held-" + i)).isEqualTo(Claim.BUSY);
        }
    }

    @Test
    void withoutRetentionKeysStayUntilEvicted() {
        ProcessedMessages unbounded = ProcessedMessageStores.inMemory().clock(clock).build();
        unbounded.done("a");
        clock.advance(Duration.ofDays(365));

        assertThat(unbounded.claim("a")).isEqualTo(Claim.DONE);
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> ProcessedMessageStores.inMemory().maxEntries(0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessedMessageStores.inMemory().retention(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
