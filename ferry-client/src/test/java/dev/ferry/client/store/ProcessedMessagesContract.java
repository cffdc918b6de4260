package dev.ferry.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claim, done, release contract of {@link ProcessedMessages}, which every store must keep. */
abstract class ProcessedMessagesContract {

    static final Duration RETENTION = Duration.ofHours(1);

    protected final TestClock clock = new TestClock();
    protected ProcessedMessages store;

    /** A fresh, empty store remembering keys for {@link #RETENTION}, dated by {@link #clock}. */
    abstract ProcessedMessages create();

    @BeforeEach
    void createStore() {
        store = create();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aKeyIsNewThenBusyWhileClaimedThenDoneOnceMarked() {
        assertThat(store.claim("a")).isEqualTo(Claim.NEW);
        assertThat(store.claim("a")).isEqualTo(Claim.BUSY);
        assertThat(store.claim("b")).isEqualTo(Claim.NEW);

        store.done("a");

        assertThat(store.claim("a")).isEqualTo(Claim.DONE);
        assertThat(store.claim("a")).isEqualTo(Claim.DONE);
        assertThat(store.claim("b")).isEqualTo(Claim.BUSY);
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() {
        assertThat(store.claim("a")).isEqualTo(Claim.NEW);
        store.release("a");

        assertThat(store.claim("a")).isEqualTo(Claim.NEW);
        store.done("a");
        assertThat(store.claim("a")).isEqualTo(Claim.DONE);
    }

    @Test
    void doneWithoutAClaimRecordsTheKeyAndReleaseOfAnUnknownKeyDoesNothing() {
        store.release("never-claimed");
        store.release(null);
        store.done("direct");

        assertThat(store.claim("direct")).isEqualTo(Claim.DONE);
        assertThat(store.claim("never-claimed")).isEqualTo(Claim.NEW);
    }

    @Test
    void releaseAfterDoneDoesNotForgetTheKey() {
        store.claim("a");
        store.done("a");
        store.release("a");

        assertThat(store.claim("a")).isEqualTo(Claim.DONE);
    }

    @Test
    void keysMustNotBeEmpty() {
        assertThatThrownBy(() -> store.claim("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.done("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysOlderThanTheRetentionAreForgotten() {
        store.done("old");
        clock.advance(RETENTION.minusMinutes(10));
        store.done("young");
        assertThat(store.claim("old")).isEqualTo(Claim.DONE);

        clock.advance(Duration.ofMinutes(11));

        assertThat(store.claim("old")).isEqualTo(Claim.NEW);
        assertThat(store.claim("young")).isEqualTo(Claim.DONE);
    }

    @Test
    void ofManyThreadsClaimingOneKeyAtOnceExactlyOneGetsIt() throws Exception {
        int threads = 16;
        for (int round = 0; round < 50; round++) {
            String key = "contended-" + round;
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Callable<Claim>> claims = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                claims.add(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.claim(key);
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Claim> results = new ArrayList<>();
                for (Future<Claim> result : pool.invokeAll(claims)) {
                    results.add(result.get());
                }
                assertThat(results).filteredOn(c -> c == Claim.NEW).hasSize(1);
                assertThat(results).filteredOn(c -> c == Claim.BUSY).hasSize(threads - 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Threads race through the same keys in different orders, the way consumer threads meet duplicates, and
     * fail some processings: every key ends up processed successfully once, and never by two threads at once.
     */
    @Test
    void concurrentConsumersProcessEveryKeyOnceAndNeverTwoAtATime() throws Exception {
        int threads = 8;
        int keys = 2_000;
        Map<String, AtomicInteger> succeeded = new ConcurrentHashMap<>();
        Set<String> inProgress = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> consumers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                consumers.add(() -> {
                    Random random = new Random(seed);
                    List<String> order = new ArrayList<>();
                    for (int k = 0; k < keys; k++) {
                        order.add("key-" + k);
                    }
                    Collections.shuffle(order, random);
                    for (String key : order) {
                        // A consumer retries its message until it is done, by itself or by someone else.
                        while (true) {
                            Claim claim = store.claim(key);
                            if (claim == Claim.DONE) {
                                break;
                            }
                            if (claim == Claim.BUSY) {
                                Thread.yield();
                                continue;
                            }
                            if (!inProgress.add(key)) {
                                overlaps.incrementAndGet();
                            }
                            boolean fails = random.nextInt(10) == 0;
                            Thread.yield();
                            inProgress.remove(key);
                            if (fails) {
                                failures.incrementAndGet();
                                store.release(key);
                            } else {
                                succeeded.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                                store.done(key);
                                break;
                            }
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> consumer : pool.invokeAll(consumers, 2, TimeUnit.MINUTES)) {
                consumer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(failures.get()).isPositive();
        assertThat(succeeded).hasSize(keys);
        assertThat(succeeded.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }
}
