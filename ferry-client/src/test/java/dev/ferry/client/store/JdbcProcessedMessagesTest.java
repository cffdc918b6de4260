package dev.ferry.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on a real PostgreSQL: the contract every store keeps, and what only a shared store has (other
 * holders, leases, the cleanup, the builder's checks). Each test gets a table of its own.
 */
class JdbcProcessedMessagesTest extends ProcessedMessagesContract {

    static final Duration LEASE = Duration.ofMinutes(5);

    private final String table = TestPostgres.uniqueName("processed");
    private final List<ProcessedMessages> others = new ArrayList<>();

    @Override
    ProcessedMessages create() {
        return builder().build();
    }

    private JdbcStoreBuilder builder() {
        return ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(table).lease(LEASE).retention(RETENTION)
            .clock(clock).scheduledCleanup(false);
    }

    /** Another consumer process on the same table: a store instance of its own. */
    private JdbcProcessedMessages another() {
        JdbcProcessedMessages other = builder().build();
        others.add(other);
        return other;
    }

    @AfterEach
    void closeOthers() {
        others.forEach(ProcessedMessages::close);
    }

    private long rows(String where) {
        return TestPostgres.queryLong("SELECT count(*) FROM " + table + " WHERE " + where);
    }

    @Test
    void aKeyClaimedByOneHolderIsBusyForAnotherWhoCannotReleaseIt() {
        JdbcProcessedMessages other = another();
        assertThat(store.claim("a")).isEqualTo(Claim.NEW);

        assertThat(other.claim("a")).isEqualTo(Claim.BUSY);
        other.release("a");
        assertThat(other.claim("a")).isEqualTo(Claim.BUSY);

        store.done("a");
        assertThat(other.claim("a")).isEqualTo(Claim.DONE);
    }

    @Test
    void aCrashedHoldersClaimIsTakenOverOnceItsLeaseEndsAndItsLateReleaseChangesNothing() {
        JdbcProcessedMessages crashed = another();
        assertThat(crashed.claim("a")).isEqualTo(Claim.NEW);

        clock.advance(LEASE);
        assertThat(store.claim("a")).as("at the end of the lease").isEqualTo(Claim.BUSY);
        clock.advance(Duration.ofMillis(1));
        assertThat(store.claim("a")).as("after the lease").isEqualTo(Claim.NEW);

        crashed.release("a"); // it comes back and gives up what is no longer its claim
        assertThat(another().claim("a")).isEqualTo(Claim.BUSY);
        store.done("a");
        assertThat(crashed.claim("a")).isEqualTo(Claim.DONE);
    }

    @Test
    void closingAStoreReleasesTheClaimsItStillHolds() {
        JdbcProcessedMessages closing = another();
        assertThat(closing.claim("held")).isEqualTo(Claim.NEW);
        closing.claim("finished");
        closing.done("finished");

        closing.close();

        assertThat(store.claim("held")).isEqualTo(Claim.NEW);
        assertThat(store.claim("finished")).isEqualTo(Claim.DONE);
        assertThatThrownBy(() -> closing.claim("x")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(table).hasMessageContaining("closed");
    }

    @Test
    void theCleanupDeletesExpiredRowsInBatchesAndKeepsLiveOnes() {
        JdbcProcessedMessages small = builder().cleanupBatchSize(100).build();
        others.add(small);
        for (int i = 0; i < 450; i++) {
            small.done("old-" + i);
        }
        small.claim("abandoned");            // its holder never comes back: the lease ends long before retention
        clock.advance(RETENTION.minusMinutes(1));
        small.done("young");
        small.done("old-7");                 // marked again: young now
        assertThat(small.claim("held")).isEqualTo(Claim.NEW);
        assertThat(small.deleteExpired()).as("only the abandoned claim").isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        assertThat(small.deleteExpired()).as("old keys but old-7, in 5 batches").isEqualTo(449);
        assertThat(small.deleteExpired()).isZero();

        assertThat(rows("true")).isEqualTo(3);
        assertThat(rows("message_key IN ('young', 'old-7') AND state = 'D'")).isEqualTo(2);
        assertThat(rows("message_key = 'held' AND state = 'C'")).isEqualTo(1);
        assertThat(store.claim("old-1")).isEqualTo(Claim.NEW);
    }

    @Test
    void theBuilderDetectsPostgresqlCreatesTheTableOnceAndChecksItsSettings() {
        assertThat(store.toString()).contains("POSTGRESQL table " + table).contains("lease PT5M, retention PT1H");
        store.done("kept");
        another().close(); // a second build finds the table and leaves it as it is
        assertThat(store.claim("kept")).isEqualTo(Claim.DONE);

        String missing = TestPostgres.uniqueName("missing");
        assertThatThrownBy(() -> ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(missing)
            .createTable(false).build())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining(missing).hasMessageContaining("README");
        assertThatThrownBy(() -> builder().table("orders; DROP TABLE orders"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
        assertThatThrownBy(() -> builder().lease(Duration.ZERO)).hasMessageContaining("lease");
        assertThatThrownBy(() -> builder().retention(Duration.ofSeconds(-1))).hasMessageContaining("retention");
        assertThatThrownBy(() -> builder().cleanupBatchSize(0)).hasMessageContaining("cleanupBatchSize");
        assertThatThrownBy(() -> builder().cleanupInterval(null)).hasMessageContaining("cleanupInterval");
        assertThatThrownBy(() -> builder().lease(Duration.ofHours(2)).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease (PT2H)")
            .hasMessageContaining("retention (PT1H)");
    }

    @Test
    void consumersStartingAtOnceAllFindTheTableThatOneOfThemCreated() throws Exception {
        String fresh = TestPostgres.uniqueName("fresh");
        int starting = 6;
        CyclicBarrier together = new CyclicBarrier(starting);
        ExecutorService pool = Executors.newFixedThreadPool(starting);
        try {
            List<Future<JdbcProcessedMessages>> built = new ArrayList<>();
            for (int i = 0; i < starting; i++) {
                built.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(fresh).clock(clock)
                        .scheduledCleanup(false).build();
                }));
            }
            List<Claim> claims = new ArrayList<>();
            for (Future<JdbcProcessedMessages> store : built) {
                others.add(store.get(30, TimeUnit.SECONDS));
                claims.add(others.get(others.size() - 1).claim("first"));
            }
            assertThat(claims).containsOnlyOnce(Claim.NEW);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTableInAnotherSchemaGetsItsIndexThere() {
        String schema = TestPostgres.uniqueName("billing");
        TestPostgres.execute("CREATE SCHEMA " + schema);
        JdbcProcessedMessages inSchema = builder().table(schema + ".processed").build();
        others.add(inSchema);
        inSchema.done("a");

        assertThat(inSchema.claim("a")).isEqualTo(Claim.DONE);
        assertThat(TestPostgres.queryLong("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema + "'"
            + " AND indexname = 'processed_expires_at'")).isEqualTo(1);
    }

    @Test
    void aScheduledCleanupRunsByItself() {
        JdbcProcessedMessages scheduled = builder().scheduledCleanup(true)
            .cleanupInterval(Duration.ofMillis(50)).build();
        others.add(scheduled);
        scheduled.done("old");
        clock.advance(RETENTION.plusMinutes(1));
        scheduled.done("young");

        await().atMost(Duration.ofSeconds(10))
            .until(() -> rows("message_key = 'old'") == 0);
        assertThat(rows("message_key = 'young'")).isEqualTo(1);
    }

    @Test
    void keysAreStoredAsTheyAreUpToTheColumnsLength() {
        String unusual = "订单-42 with:colons/and spaces and 'quotes'";
        store.done(unusual);
        String longest = "k".repeat(255);
        store.done(longest);

        assertThat(store.claim(unusual)).isEqualTo(Claim.DONE);
        assertThat(store.claim(longest)).isEqualTo(Claim.DONE);
        assertThat(store.claim("订单-42")).isEqualTo(Claim.NEW);
        assertThat(store.claim("ORDER-1")).isEqualTo(Claim.NEW);
        assertThat(store.claim("order-1")).as("keys are case-sensitive").isEqualTo(Claim.NEW);
        assertThatThrownBy(() -> store.claim("k".repeat(256))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("255");
    }
}
