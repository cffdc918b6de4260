package dev.ferry.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.app.Main;
import dev.ferry.backup.Ferry;
import dev.ferry.client.consumer.Idempotent;
import dev.ferry.client.store.JdbcProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.config.ConfigLoader;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.LocalPostgres;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.SteadyProducer;
import dev.ferry.testing.TestConsumer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe of docs/active-active-exactly-once.md, run: hangzhou and shanghai (RocketMQ's default names,
 * {@code broker-a} and {@code broker-b} in each) take traffic and copy to each other; in each region the
 * application group {@code trades-app} processes its own region's messages ({@code FERRY_ORIGIN IS NULL}) through
 * {@code Idempotent.using(store).transactionally(...)}, writing to one PostgreSQL both regions reach, where the
 * store's marks live in the same transactions as the application's rows.
 *
 * <p>Hangzhou's application is made to have processed messages whose offsets it never committed: past its first
 * {@value #COMMITTED_IN_HANGZHOU} messages each batch commits to the database but never answers RocketMQ, as if
 * the process died between the two. Then hangzhou is lost with its application; its producers move to shanghai;
 * shanghai's application stops, {@code ferry failover} moves its group back to hangzhou's progress, and it starts
 * again with the wider filter. It is given those messages again, and much of its own traffic, and the shared
 * store drops them: every message that reached shanghai has exactly one row in the application's table.
 */
class ActiveActiveExactlyOnceTest {

    private static final String TOPIC = "trades";
    private static final String GROUP = "trades-app";
    private static final String OWN_TRAFFIC = "FERRY_ORIGIN IS NULL";
    private static final String WITH_HANGZHOU = "FERRY_ORIGIN IS NULL OR FERRY_ORIGIN = 'hangzhou'";
    private static final int QUEUES_PER_BROKER = 4;
    /** Hangzhou's application acknowledges this many messages to RocketMQ, as usual, and then none. */
    private static final int COMMITTED_IN_HANGZHOU = 300;
    /** A push consumer's threads (RocketMQ's default): each holds one unacknowledged batch when hangzhou is lost. */
    private static final int CONSUME_THREADS = 20;
    private static final AtomicLong INSTANCES = new AtomicLong();

    @TempDir
    Path dir;

    @Test
    void bothRegionsShareTheStoreSoEveryMessageIsProcessedOnceAcrossTheFailover() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.start(Path.of("target"));
             EmbeddedCluster hangzhou = region();
             EmbeddedCluster shanghai = region();
             AutoCloseable closeRegions = () -> EmbeddedCluster.closeInBackground(hangzhou, shanghai);
             // Each region's application has its own pool and store instance; what they share is the database.
             HikariDataSource hangzhouPool = pool(postgres, "hangzhou");
             HikariDataSource shanghaiPool = pool(postgres, "shanghai");
             // One after the other: the first creates the store's table, the second finds it.
             JdbcProcessedMessages hangzhouStore = ProcessedMessageStores.jdbc(hangzhouPool).build();
             JdbcProcessedMessages shanghaiStore = ProcessedMessageStores.jdbc(shanghaiPool).build()) {
            // No unique key on purpose: a trade applied twice shows as two rows instead of failing the second.
            execute(postgres, "CREATE TABLE trades_applied (message_id VARCHAR(64) NOT NULL,"
                + " processed_in VARCHAR(16) NOT NULL, body TEXT NOT NULL)");
            hangzhou.createTopic(TOPIC, QUEUES_PER_BROKER);
            shanghai.createTopic(TOPIC, QUEUES_PER_BROKER);
            Path file = Files.writeString(dir.resolve("ferry.yaml"), """
                clusters:
                  hangzhou: {namesrv: %s}
                  shanghai: {namesrv: %s}
                backups:
                  - {name: trades-aa, mode: two-way, source: hangzhou, target: shanghai, topics: [trades]}
                """.formatted(hangzhou.namesrvAddr(), shanghai.namesrvAddr()));
            Ferry ferry = Ferry.start(ConfigLoader.load(file).withCheckpointInterval(Duration.ofSeconds(1)));

            RegionApp hzApp = new RegionApp("hangzhou", hangzhou.namesrvAddr(), OWN_TRAFFIC, hangzhouStore,
                COMMITTED_IN_HANGZHOU);
            RegionApp shApp = new RegionApp("shanghai", shanghai.namesrvAddr(), OWN_TRAFFIC, shanghaiStore,
                Long.MAX_VALUE);
            RegionApp widened = null;
            // Sees what reached shanghai, to let hangzhou go only once the unacknowledged messages were copied.
            TestConsumer shanghaiHolds = TestConsumer.start("trades-watch", shanghai.namesrvAddr(), TOPIC);
            SteadyProducer hzProducer = SteadyProducer.start(hangzhou.namesrvAddr(), TOPIC, "hz");
            SteadyProducer shProducer = SteadyProducer.start(shanghai.namesrvAddr(), TOPIC, "sh");
            SteadyProducer moved = null;
            String failover;
            Set<String> copiedFromHangzhou;
            Set<String> mustBeProcessed;
            try {
                // Every consumer thread of hangzhou's application holds a batch it committed to the database and
                // never acknowledged; hangzhou took more traffic than its application processed.
                await("hangzhou's application holds a batch on each thread, and hangzhou took 1,500 messages")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> hzApp.heldBatches() == CONSUME_THREADS && hzProducer.sent() >= 1_500);
                Set<String> unacknowledged = Set.copyOf(hzApp.notAcknowledged);
                // The scenario needs them copied before the loss (what was not copied waits in hangzhou: not this
                // test's subject); a real loss does not wait, and Ferry's delay is about a second.
                await("the unacknowledged messages were copied to shanghai").atMost(Duration.ofSeconds(30))
                    .until(() -> shanghaiHolds.consumed().containsAll(unacknowledged));
                shanghaiHolds.close();

                // Hangzhou is lost, its application with it: the held batches never answer, no offset is committed.
                hangzhou.close();
                hzApp.die();
                hzProducer.stop();

                // The README's steps: producers to shanghai; stop shanghai's application; move the group back to
                // hangzhou's progress; start it again with the wider filter.
                moved = SteadyProducer.start(shanghai.namesrvAddr(), TOPIC, "hz-moved");
                shApp.stop();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "failover", "--config",
                    file.toString(), "--group", GROUP, "--from", "hangzhou", "--to", "shanghai");
                failover = out.toString();
                assertThat(code).as(failover + "\n" + err).isZero();
                widened = new RegionApp("shanghai", shanghai.namesrvAddr(), WITH_HANGZHOU, shanghaiStore,
                    Long.MAX_VALUE);
                int sentBefore = shProducer.sent();
                await("shanghai takes more traffic with the widened application running").atMost(Duration.ofSeconds(30))
                    .until(() -> shProducer.sent() >= sentBefore + 500);
                shProducer.stop();
                moved.stop();

                copiedFromHangzhou = TopicReader.readAll(shanghai.namesrvAddr(), TOPIC, 1).stream()
                    .filter(m -> "hangzhou".equals(m.getProperty("FERRY_ORIGIN"))).map(MessageExt::getMsgId)
                    .collect(Collectors.toSet());
                mustBeProcessed = union(copiedFromHangzhou, shProducer.acknowledged(), moved.acknowledged());
                await("every message that reached shanghai has its row").atMost(Duration.ofSeconds(60))
                    .until(() -> processings(postgres).keySet().containsAll(mustBeProcessed));
                // A message processed twice would show up now; the assertions below count it.
                long rows = rowCount(postgres);
                await("nothing more is processed").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                    .until(() -> rowCount(postgres) == rows);
            } finally {
                // Consumers before their stores, which the try closes before their pools.
                Stream.of(hzProducer, shProducer, moved).filter(p -> p != null).forEach(SteadyProducer::stop);
                shanghaiHolds.close();
                hzApp.die();
                shApp.stop();
                if (widened != null) {
                    widened.stop();
                }
                ferry.close();
            }

            Map<String, List<String>> processings = processings(postgres);
            long processedTwice = processings.values().stream().filter(regions -> regions.size() > 1).count();
            Set<String> lost = new HashSet<>(mustBeProcessed);
            lost.removeAll(processings.keySet());
            Set<String> unacknowledgedCopied = new HashSet<>(hzApp.notAcknowledged);
            unacknowledgedCopied.retainAll(copiedFromHangzhou);
            Set<String> leftForShanghai = copiedFromHangzhou.stream()
                .filter(id -> !processings.getOrDefault(id, List.of()).contains("hangzhou"))
                .collect(Collectors.toSet());
            List<RegionApp> apps = List.of(hzApp, shApp, widened);
            Map<String, Integer> deliveries = new HashMap<>();
            apps.forEach(app -> app.delivered.forEach((id, times) -> deliveries.merge(id, times, Integer::sum)));
            long deliveredTwice = deliveries.values().stream().filter(times -> times > 1).count();
            long droppedByStore = apps.stream().mapToLong(app -> app.delivered.values().stream()
                .mapToLong(Integer::longValue).sum() - app.handled.values().stream().mapToLong(Integer::longValue).sum())
                .sum();
            Set<String> notCopied = new HashSet<>(hzProducer.acknowledged());
            notCopied.removeAll(copiedFromHangzhou);
            long notCopiedButProcessed = notCopied.stream().filter(processings::containsKey).count();
            System.out.printf("active-active exactly-once: %d sent in hangzhou (%d copied to shanghai; hangzhou's"
                    + " application processed %d, %d of them never acknowledged; %d left for shanghai), %d sent in"
                    + " shanghai, %d moved to shanghai; %d messages processed, processed twice: %d, lost: %d;"
                    + " delivered more than once: %d, deliveries the shared store dropped: %d; %d acknowledged by"
                    + " hangzhou and not copied before it was lost (%d of them processed there, %d wait in"
                    + " hangzhou)%n%s", hzProducer.sent(), copiedFromHangzhou.size(), hzApp.handled.size(),
                hzApp.notAcknowledged.size(), leftForShanghai.size(), shProducer.sent(), moved.sent(),
                processings.size(), processedTwice, lost.size(), deliveredTwice, droppedByStore, notCopied.size(),
                notCopiedButProcessed, notCopied.size() - notCopiedButProcessed, failover);

            assertThat(processedTwice).as("messages processed twice").isZero();
            assertThat(lost).as("messages that reached shanghai and were never processed").isEmpty();
            // Its "re-reads at most" counts what the group had committed on hangzhou; what hangzhou's application
            // processed without committing is beyond any bound Ferry can know: only the shared store meets it.
            assertThat(failover).contains("Done:");
            // The store did the work: what hangzhou's application had committed without acknowledging was copied,
            // given to shanghai's application after the failover, and dropped there. Without a store both regions
            // share, each of these would have a second row.
            assertThat(unacknowledgedCopied).as("processed in hangzhou, never acknowledged, copied").isNotEmpty();
            assertThat(widened.delivered.keySet()).as("given again to shanghai's widened application")
                .containsAll(unacknowledgedCopied);
            assertThat(widened.handled.keySet()).as("...and none of them handled there")
                .doesNotContainAnyElementsOf(unacknowledgedCopied);
            assertThat(deliveredTwice).as("messages delivered to the applications more than once").isPositive();
            assertThat(droppedByStore).as("deliveries dropped by the shared store")
                .isGreaterThanOrEqualTo(unacknowledgedCopied.size());
            // And the failover did its part: what hangzhou's application never processed was processed in shanghai.
            assertThat(leftForShanghai).as("hangzhou's work left for shanghai").isNotEmpty();
            assertThat(leftForShanghai).allSatisfy(id -> assertThat(processings.get(id)).containsExactly("shanghai"));
        }
    }

    /**
     * One region's application: group {@code trades-app} with RocketMQ's consumer defaults but batches of up to 8,
     * writing each message it is given to {@code trades_applied} through the recipe's transactional listener, and
     * counting what it was given ({@link #delivered}) and what its handler ran for ({@link #handled}).
     *
     * <p>After {@code acknowledging} messages it plays a process that dies between the database commit and the
     * offset commit: each further batch is processed and committed to the database, and then held without an
     * answer to RocketMQ until {@link #die()}. The consumer's offsets stay before them, as a crash leaves them.
     */
    private static final class RegionApp {

        final Map<String, Integer> delivered = new ConcurrentHashMap<>();
        final Map<String, Integer> handled = new ConcurrentHashMap<>();
        /** Committed to the database, never acknowledged to RocketMQ. */
        final Set<String> notAcknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicLong acknowledgingLeft;
        private final AtomicLong held = new AtomicLong();
        private final CountDownLatch dead = new CountDownLatch(1);
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final DefaultMQPushConsumer consumer;

        RegionApp(String region, String namesrv, String filter, JdbcProcessedMessages store, long acknowledging)
            throws Exception {
            acknowledgingLeft = new AtomicLong(acknowledging);
            consumer = AppConsumer.of(GROUP, namesrv, GROUP + "-" + region + "-" + INSTANCES.incrementAndGet());
            consumer.setPersistConsumerOffsetInterval(1_000);
            consumer.setConsumeThreadMin(CONSUME_THREADS);
            consumer.setConsumeThreadMax(CONSUME_THREADS);
            consumer.setConsumeMessageBatchMaxSize(8);
            consumer.subscribe(TOPIC, MessageSelector.bySql(filter));
            // The recipe's listener, as docs/active-active-exactly-once.md shows it (plus the count of runs).
            MessageListenerConcurrently recipe = Idempotent.using(store).namespace(GROUP)
                .transactionally((message, connection) -> {
                    handled.merge(message.getMsgId(), 1, Integer::sum);
                    applyTrade(message, connection, region);
                });
            consumer.registerMessageListener((MessageListenerConcurrently) (batch, context) -> {
                if (dead.getCount() == 0) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // a dead process runs nothing
                }
                batch.forEach(m -> delivered.merge(m.getMsgId(), 1, Integer::sum));
                ConsumeConcurrentlyStatus status = recipe.consumeMessage(batch, context);
                if (acknowledgingLeft.addAndGet(-batch.size()) >= 0) {
                    return status;
                }
                batch.forEach(m -> notAcknowledged.add(m.getMsgId()));
                held.incrementAndGet();
                try {
                    dead.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            });
            consumer.start();
        }

        long heldBatches() {
            return held.get();
        }

        /** Gone with its region: the held batches never answer, nothing more runs, no offset is committed. */
        void die() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            dead.countDown();
            consumer.setAwaitTerminationMillisWhenShutdown(0);
            ClientShutdown.shutdown(consumer, consumer::shutdown);
        }

        /** Stopped by its operator: the batches in flight finish, and their offsets are committed. */
        void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            consumer.setAwaitTerminationMillisWhenShutdown(5_000);
            ClientShutdown.shutdown(consumer, consumer::shutdown);
        }
    }

    /** The application's own write, inside the transaction that marks the message processed. */
    private static void applyTrade(MessageExt message, Connection connection, String region) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO trades_applied (message_id, processed_in, body) VALUES (?, ?, ?)")) {
            insert.setString(1, message.getMsgId());
            insert.setString(2, region);
            insert.setString(3, new String(message.getBody(), StandardCharsets.UTF_8));
            insert.executeUpdate();
        }
    }

    private static EmbeddedCluster region() {
        return EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").autoCreateTopics(false)
            .start();
    }

    private static HikariDataSource pool(LocalPostgres postgres, String region) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(region + "-app");
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setPassword("");
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    private static Connection connect(LocalPostgres postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
    }

    private static void execute(LocalPostgres postgres, String sql) throws SQLException {
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Each processed message's ID and where it was processed, a row per processing. */
    private static Map<String, List<String>> processings(LocalPostgres postgres) throws SQLException {
        Map<String, List<String>> processings = new HashMap<>();
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT message_id, processed_in FROM trades_applied")) {
            while (rows.next()) {
                processings.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(rows.getString(2));
            }
        }
        return processings;
    }

    private static long rowCount(LocalPostgres postgres) throws SQLException {
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM trades_applied")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> union = new HashSet<>();
        for (Set<String> set : sets) {
            union.addAll(set);
        }
        return union;
    }
}
