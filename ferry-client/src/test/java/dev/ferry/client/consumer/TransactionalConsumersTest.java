package dev.ferry.client.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.client.store.JdbcProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.ChildProcess;
import dev.ferry.client.testing.TestMessageExts;
import dev.ferry.client.testing.TestPostgres;
import dev.ferry.embedded.LocalPostgres;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer processes (child JVMs, {@link TransactionalConsumerProcess}) sharing the JDBC store on a real
 * PostgreSQL through {@link Idempotent#transactionally}: each message's effect, a row of the application table
 * {@code effects}, exists exactly once however the processes race or crash.
 */
class TransactionalConsumersTest {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalConsumersTest.class);
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern COUNTS = Pattern.compile("handled=(\\d+) failed=(\\d+)");

    private final String table = TestPostgres.uniqueName("processed");
    private final String effects = TestPostgres.uniqueName("effects");

    TransactionalConsumersTest() {
        // No unique key: a message processed twice shows as two rows instead of failing.
        TestPostgres.execute("CREATE TABLE " + effects + " (message_key VARCHAR(255) NOT NULL,"
            + " worker VARCHAR(32) NOT NULL)");
        // Created once here rather than by both children at the same moment.
        ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(table).scheduledCleanup(false).build().close();
    }

    private List<String> args(String mode, String... more) {
        LocalPostgres postgres = TestPostgres.server();
        List<String> args = new ArrayList<>(List.of(mode, postgres.jdbcUrl(), postgres.user(), table,
            effects));
        args.addAll(List.of(more));
        return args;
    }

    private long query(String sql) {
        return TestPostgres.queryLong(sql);
    }

    private long processedTwice() {
        return query("SELECT count(*) FROM (SELECT message_key FROM " + effects
            + " GROUP BY message_key HAVING count(*) > 1) twice");
    }

    private long processed() {
        return query("SELECT count(DISTINCT message_key) FROM " + effects);
    }

    /**
     * Two consumer processes are given the same 2,000 messages at the same moment, in different orders (from
     * opposite ends, shuffled within windows of 32, so that where they meet they race on messages the other is
     * processing right now), on 3 threads each, with 3% injected failures: every message has one effect, each
     * process did a share, and no duplicate reached the application. Through {@code transactionally} (failures
     * after the write, rolled back), and through {@code concurrently} over the store's claims (failures before the
     * write): the claims of two processes on one key give one of them NEW.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "claims"})
    void twoConsumerProcessesRacingOnTheSameMessagesProcessEachExactlyOnce(String style) {
        int keys = 2_000;
        try (ChildProcess first = ChildProcess.start(style + "-consumer-1", TransactionalConsumerProcess.class,
                 args("race", "worker-1", String.valueOf(keys), "1", "forwards", "3", style));
             ChildProcess second = ChildProcess.start(style + "-consumer-2", TransactionalConsumerProcess.class,
                 args("race", "worker-2", String.valueOf(keys), "2", "backwards", "3", style))) {
            first.awaitLine("ready", CHILD_TIMEOUT);
            second.awaitLine("ready", CHILD_TIMEOUT);
            first.send("go");
            second.send("go");
            Matcher firstCounts = counts(first.awaitLine("handled=", CHILD_TIMEOUT));
            Matcher secondCounts = counts(second.awaitLine("handled=", CHILD_TIMEOUT));
            assertThat(first.awaitExit(CHILD_TIMEOUT)).isZero();
            assertThat(second.awaitExit(CHILD_TIMEOUT)).isZero();

            long byFirst = query("SELECT count(*) FROM " + effects + " WHERE worker = 'worker-1'");
            long bySecond = query("SELECT count(*) FROM " + effects + " WHERE worker = 'worker-2'");
            long injected = Long.parseLong(firstCounts.group(2)) + Long.parseLong(secondCounts.group(2));
            LOG.info("Race of {} messages ({}): processed by worker-1 {}, by worker-2 {}; processed twice {}, lost {};"
                + " handed to the application {} + {}, {} injected failures", keys, style, byFirst, bySecond,
                processedTwice(), keys - processed(), firstCounts.group(1), secondCounts.group(1), injected);
            assertThat(processedTwice()).as("processed twice").isZero();
            assertThat(processed()).as("processed at least once").isEqualTo(keys);
            assertThat(byFirst + bySecond).isEqualTo(keys);
            assertThat(byFirst).as("worker-1's share").isPositive();
            assertThat(bySecond).as("worker-2's share").isPositive();
            assertThat(injected).as("failures were injected").isPositive();
            assertThat(Long.parseLong(firstCounts.group(1)) + Long.parseLong(secondCounts.group(1)))
                .as("messages handed to the application: one success per message, plus the failed ones;"
                    + " no duplicate reached it")
                .isEqualTo(keys + injected);
            assertThat(query("SELECT count(*) FROM " + table + " WHERE state = 'D'")).isEqualTo(keys);
        }
    }

    private static Matcher counts(String line) {
        Matcher matcher = COUNTS.matcher(line);
        assertThat(matcher.matches()).as(line).isTrue();
        return matcher;
    }

    /**
     * A consumer process halts inside the transaction of its 50th message, after the application's write and
     * before the commit: nothing of that message is visible, its key is not marked, and the redelivery of all 100
     * messages processes it and the ones after it once and drops the 49 before it.
     */
    @Test
    void aCrashBetweenTheWriteAndTheCommitLeavesNothingAndTheRedeliveryProcessesItOnce() {
        int keys = 100;
        int crashAt = 49;
        try (ChildProcess crashing = ChildProcess.start("crashing-consumer", TransactionalConsumerProcess.class,
                 args("crash", String.valueOf(keys), String.valueOf(crashAt)))) {
            crashing.awaitLine("halting", CHILD_TIMEOUT);
            assertThat(crashing.awaitExit(CHILD_TIMEOUT)).isEqualTo(TransactionalConsumerProcess.HALT_EXIT_CODE);
        }
        String crashed = "key-" + crashAt;
        assertThat(query("SELECT count(*) FROM " + effects + " WHERE message_key = '" + crashed + "'"))
            .as("the crashed message's write").isZero();
        assertThat(query("SELECT count(*) FROM " + table + " WHERE message_key LIKE '%" + crashed + "'"))
            .as("the crashed message's mark").isZero();
        assertThat(processed()).as("the messages before it").isEqualTo(crashAt);

        try (JdbcProcessedMessages store = ProcessedMessageStores.jdbc(TestPostgres.dataSource()).table(table)
            .scheduledCleanup(false).build()) {
            List<MessageExt> redelivered = TransactionalConsumerProcess.keys(keys).stream()
                .map(TestMessageExts::withId).toList();
            AtomicInteger handled = new AtomicInteger();
            ConsumeConcurrentlyStatus status = Idempotent.using(store).namespace("crash")
                .transactionally((message, connection) -> {
                    handled.incrementAndGet();
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + effects + " VALUES (?, ?)")) {
                        insert.setString(1, message.getMsgId());
                        insert.setString(2, "redelivery");
                        insert.executeUpdate();
                    }
                })
                .consumeMessage(redelivered, new ConsumeConcurrentlyContext(new MessageQueue("orders", "b", 0)));

            assertThat(status).isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            assertThat(handled).as("the crashed message and the ones after it").hasValue(keys - crashAt);
        }
        LOG.info("Crash at message {} of {}: after the redelivery processed twice {}, lost {}", crashAt + 1, keys,
            processedTwice(), keys - processed());
        assertThat(processedTwice()).as("processed twice").isZero();
        assertThat(processed()).as("processed at least once").isEqualTo(keys);
        assertThat(query("SELECT count(*) FROM " + effects + " WHERE message_key = '" + crashed + "'"
            + " AND worker = 'redelivery'")).isEqualTo(1);
    }
}
