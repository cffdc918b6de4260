package dev.ferry.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedInTransaction.Outcome;
import dev.ferry.client.ProcessedInTransaction.Work;
import dev.ferry.client.testing.TestClock;
import dev.ferry.client.testing.TestPostgres;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code processOnce}, the mark in the application's transaction, on a real PostgreSQL: the application's write
 * (a row of {@code effects}) and the mark commit together or not at all, and a concurrent duplicate waits for the
 * first transaction and follows its outcome.
 */
class TransactionalMarksTest {

    private static final Duration RETENTION = Duration.ofHours(1);

    private final TestClock clock = new TestClock();
    private final String table = TestPostgres.uniqueName("marks");
    private final String effects = TestPostgres.uniqueName("effects");
    private final AtomicInteger runs = new AtomicInteger();
    private JdbcProcessedMessages store;

    @BeforeEach
    void createStoreAndApplicationTable() {
        store = ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(table).retention(RETENTION).clock(clock)
            .scheduledCleanup(false).build();
        TestPostgres.execute("CREATE TABLE " + effects + " (message_key VARCHAR(255) NOT NULL)");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** The application's processing: one row of {@code effects} per processing, and no unique key to hide a second. */
    private Work write(String key) {
        return connection -> {
            runs.incrementAndGet();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + effects + " VALUES (?)")) {
                insert.setString(1, key);
                insert.executeUpdate();
            }
        };
    }

    private long effects(String key) {
        return TestPostgres.queryLong("SELECT count(*) FROM " + effects + " WHERE message_key = '" + key + "'");
    }

    private long marks(String key) {
        return TestPostgres.queryLong("SELECT count(*) FROM " + table + " WHERE message_key = '" + key + "'");
    }

    @Test
    void processesOnceThenDropsTheDuplicateWithoutRunningItsWork() throws SQLException {
        assertThat(store.processOnce("a", write("a"))).isEqualTo(Outcome.PROCESSED);
        assertThat(store.processOnce("a", write("a"))).isEqualTo(Outcome.DUPLICATE);

        assertThat(runs).hasValue(1);
        assertThat(effects("a")).isEqualTo(1);
        assertThat(store.claim("a")).as("the claim path sees the mark").isEqualTo(Claim.DONE);
    }

    @Test
    void aFailingWorkLeavesNeitherItsWriteNorTheMarkAndTheRetryProcessesIt() throws SQLException {
        Work failsAfterWriting = connection -> {
            write("a").run(connection);
            throw new IllegalStateException("payment service down");
        };
        assertThatThrownBy(() -> store.processOnce("a", failsAfterWriting)).hasMessage("payment service down");
        Work badSql = connection -> {
            write("a").run(connection);
            connection.createStatement().execute("INSERT INTO no_such_table VALUES (1)");
        };
        assertThatThrownBy(() -> store.processOnce("a", badSql)).isInstanceOf(SQLException.class)
            .hasMessageContaining("no_such_table");
        assertThat(effects("a")).isZero();
        assertThat(marks("a")).isZero();

        assertThat(store.processOnce("a", write("a"))).isEqualTo(Outcome.PROCESSED);
        assertThat(effects("a")).isEqualTo(1);
    }

    @Test
    void theWorkCannotEndTheTransactionButMayUseSavepointsAndCloseItsConnection() throws SQLException {
        assertThatThrownBy(() -> store.processOnce("a", connection -> {
            write("a").run(connection);
            connection.commit();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("commit");
        assertThatThrownBy(() -> store.processOnce("a", connection -> connection.setAutoCommit(true)))
            .isInstanceOf(IllegalStateException.class);
        assertThat(effects("a")).isZero();
        assertThat(marks("a")).isZero();

        assertThat(store.processOnce("a", connection -> {
            try (connection) {
                Savepoint beforeTheFirstTry = connection.setSavepoint();
                write("a").run(connection);
                connection.rollback(beforeTheFirstTry);
                write("a").run(connection);
            }
        })).isEqualTo(Outcome.PROCESSED);
        assertThat(effects("a")).as("the write after the savepoint's rollback").isEqualTo(1);
        assertThat(marks("a")).isEqualTo(1);
    }

    @Test
    void aConcurrentDuplicateWaitsForTheFirstTransactionAndIsDroppedWhenItCommits() throws Exception {
        assertThat(raceWithFirst(true)).isEqualTo(Outcome.DUPLICATE);
        assertThat(effects("raced")).isEqualTo(1);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aConcurrentDuplicateWaitsForTheFirstTransactionAndIsProcessedWhenItRollsBack() throws Exception {
        assertThat(raceWithFirst(false)).isEqualTo(Outcome.PROCESSED);
        assertThat(effects("raced")).isEqualTo(1);
        assertThat(runs).hasValue(2);
    }

    /**
     * Starts a first transaction on key "raced" that writes and then stays open, a second one on the same key,
     * waits until PostgreSQL shows the second waiting on a lock, then ends the first: commit or failure.
     * Returns the second's outcome.
     */
    private Outcome raceWithFirst(boolean firstCommits) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            return raceWithFirst(firstCommits, threads);
        } finally {
            threads.shutdownNow();
        }
    }

    private Outcome raceWithFirst(boolean firstCommits, ExecutorService threads) throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> {
            try {
                return store.processOnce("raced", connection -> {
                    write("raced").run(connection);
                    written.countDown();
                    await().atMost(Duration.ofSeconds(30)).until(() -> finish.getCount() == 0);
                    if (!firstCommits) {
                        throw new IllegalStateException("first fails");
                    }
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
        long waitingBefore = waitingOnLocks();
        CompletableFuture<Outcome> second = CompletableFuture.supplyAsync(() -> {
            try {
                return store.processOnce("raced", write("raced"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLocks() > waitingBefore);
        assertThat(second).isNotDone();

        finish.countDown();
        if (firstCommits) {
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.PROCESSED);
        } else {
            assertThat(first).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                .withMessageContaining("first fails");
        }
        return second.get(30, TimeUnit.SECONDS);
    }

    private static long waitingOnLocks() {
        return TestPostgres.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
    }

    @Test
    void aClaimAndATransactionalMarkOfOneKeyExcludeEachOther() throws SQLException {
        assertThat(store.claim("claimed")).isEqualTo(Claim.NEW);
        assertThat(store.processOnce("claimed", write("claimed"))).isEqualTo(Outcome.BUSY);
        store.done("claimed");
        assertThat(store.processOnce("claimed", write("claimed"))).isEqualTo(Outcome.DUPLICATE);

        assertThat(store.processOnce("marked", write("marked"))).isEqualTo(Outcome.PROCESSED);
        assertThat(store.claim("marked")).isEqualTo(Claim.DONE);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aMarkIsRememberedForTheRetentionOnly() throws SQLException {
        store.processOnce("a", write("a"));
        clock.advance(RETENTION);
        assertThat(store.processOnce("a", write("a"))).isEqualTo(Outcome.DUPLICATE);

        clock.advance(Duration.ofMillis(1));
        assertThat(store.processOnce("a", write("a"))).isEqualTo(Outcome.PROCESSED);
        assertThat(marks("a")).isEqualTo(1);
        assertThat(effects("a")).isEqualTo(2);
    }

    @Test
    void withoutAKeyTheWorkRunsInATransactionEveryTimeAndNothingIsMarked() throws SQLException {
        assertThat(store.processOnce(null, write("none"))).isEqualTo(Outcome.PROCESSED);
        assertThat(store.processOnce("", write("none"))).isEqualTo(Outcome.PROCESSED);
        assertThatThrownBy(() -> store.processOnce(null, connection -> {
            write("none").run(connection);
            throw new IllegalStateException("fails");
        })).hasMessage("fails");

        assertThat(effects("none")).isEqualTo(2);
        assertThat(TestPostgres.queryLong("SELECT count(*) FROM " + table)).isZero();
    }
}
