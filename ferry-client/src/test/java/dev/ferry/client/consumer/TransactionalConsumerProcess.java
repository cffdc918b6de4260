package dev.ferry.client.consumer;

import dev.ferry.client.store.JdbcProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.PooledDataSource;
import dev.ferry.client.testing.TestMessageExts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A consumer process for the tests of {@link TransactionalConsumersTest}, run in a child JVM: it consumes
 * messages {@code key-0 .. key-<n-1>} through {@link Idempotent#transactionally} into the application table
 * {@code effects (message_key, worker)}, the way a push consumer would, with redeliveries of what its listener
 * did not acknowledge.
 *
 * <ul>
 *   <li>{@code race <url> <user> <table> <effects> <worker> <keys> <seed> forwards|backwards <threads>
 *   transactional|claims}: consumes all keys in an order shuffled by {@code seed} within windows of 32 keys, the
 *   windows forwards or backwards, on {@code threads} threads, in batches of up to 4, through
 *   {@code transactionally} (3% of the processings fail after writing, rolled back) or through
 *   {@code concurrently} over the store's claims (3% of the batches fail before writing). What is not acknowledged
 *   is redelivered. Prints {@code ready}, starts on a line on stdin, prints
 *   {@code handled=<messages handed to the application> failed=<injected failures>} and exits 0.</li>
 *   <li>{@code crash <url> <user> <table> <effects> <keys> <crashAt>}: consumes the keys in order, one per batch;
 *   the handler of {@code key-<crashAt>} writes, prints {@code halting} and halts the JVM (exit 3) before the
 *   transaction commits.</li>
 * </ul>
 */
public final class TransactionalConsumerProcess {

    static final int HALT_EXIT_CODE = 3;
    private static final int BATCH = 4;
    private static final int WINDOW = 32;

    private TransactionalConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        try (PooledDataSource dataSource = PooledDataSource.connectingTo(args[1], args[2], 8);
             JdbcProcessedMessages store = ProcessedMessageStores.jdbc(dataSource).table(args[3])
                 .scheduledCleanup(false).build()) {
            String effects = args[4];
            if ("race".equals(mode)) {
                MessageListenerConcurrently listener = "claims".equals(args[10])
                    ? claiming(store, dataSource, effects, args[5]) : transactional(store, effects, args[5]);
                race(listener, Integer.parseInt(args[6]), Long.parseLong(args[7]), "backwards".equals(args[8]),
                    Integer.parseInt(args[9]));
            } else if ("crash".equals(mode)) {
                crash(store, effects, Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            } else {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
        System.exit(0);
    }

    /** Handled: messages handed to the application; failed: those of them it failed (and wrote nothing for). */
    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    /** Writes in the transaction that marks the message; 3% fail after writing, and are rolled back. */
    private static MessageListenerConcurrently transactional(JdbcProcessedMessages store, String effects,
        String worker) {
        return Idempotent.using(store).namespace("race").transactionally((message, connection) -> {
            HANDLED.incrementAndGet();
            write(connection, effects, message, worker);
            if (ThreadLocalRandom.current().nextInt(100) < 3) {
                FAILED.incrementAndGet();
                throw new IllegalStateException("injected failure of " + message.getMsgId());
            }
        });
    }

    /**
     * Claim, write in autocommit, done: the wrappers of {@code concurrently} over the store's claims. 3% of the
     * batches fail before writing (RECONSUME_LATER); failing after a write would process the message again by
     * design, the window that only the transactional pattern closes.
     */
    private static MessageListenerConcurrently claiming(JdbcProcessedMessages store, DataSource dataSource,
        String effects, String worker) {
        return Idempotent.using(store).namespace("race").concurrently((messages, context) -> {
            HANDLED.addAndGet(messages.size());
            if (ThreadLocalRandom.current().nextInt(100) < 3) {
                FAILED.addAndGet(messages.size());
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            try (Connection connection = dataSource.getConnection()) {
                for (MessageExt message : messages) {
                    write(connection, effects, message, worker);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
    }

    private static void race(MessageListenerConcurrently listener, int keys, long seed, boolean backwards,
        int threads) throws Exception {
        // Shuffled within windows of keys, the windows forwards or backwards: the two processes start at opposite
        // ends, so each surely does a share, and where they meet they work in the same windows at once, on keys
        // the other is processing right now, not only on finished ones.
        List<String> order = keys(keys);
        Random random = new Random(seed);
        for (int from = 0; from < keys; from += WINDOW) {
            Collections.shuffle(order.subList(from, Math.min(keys, from + WINDOW)), random);
        }
        if (backwards) {
            Collections.reverse(order);
        }
        ConcurrentLinkedDeque<String> queue = new ConcurrentLinkedDeque<>(order);
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> consumers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            consumers.add(pool.submit(() -> consume(queue, listener)));
        }
        for (Future<?> consumer : consumers) {
            consumer.get();
        }
        pool.shutdown();
        System.out.println("handled=" + HANDLED + " failed=" + FAILED);
    }

    /** Delivers batches from the queue until it is empty; what the listener did not acknowledge goes back. */
    private static void consume(ConcurrentLinkedDeque<String> queue, MessageListenerConcurrently listener) {
        while (true) {
            List<MessageExt> batch = new ArrayList<>();
            String key;
            while (batch.size() < BATCH && (key = queue.pollFirst()) != null) {
                batch.add(TestMessageExts.withId(key));
            }
            if (batch.isEmpty()) {
                return;
            }
            ConsumeConcurrentlyContext context = new ConsumeConcurrentlyContext(new MessageQueue("orders", "b", 0));
            ConsumeConcurrentlyStatus status = listener.consumeMessage(batch, context);
            int acknowledged = status == ConsumeConcurrentlyStatus.RECONSUME_LATER ? 0
                : (int) Math.min(batch.size(), context.getAckIndex() + 1L);
            for (MessageExt redelivered : batch.subList(acknowledged, batch.size())) {
                queue.addLast(redelivered.getMsgId());
            }
        }
    }

    private static void crash(JdbcProcessedMessages store, String effects, int keys, int crashAt) {
        MessageListenerConcurrently listener = Idempotent.using(store).namespace("crash")
            .transactionally((message, connection) -> {
                write(connection, effects, message, "crashing");
                if (message.getMsgId().equals("key-" + crashAt)) {
                    System.out.println("halting");
                    System.out.flush();
                    Runtime.getRuntime().halt(HALT_EXIT_CODE);
                }
            });
        for (String key : keys(keys)) {
            ConsumeConcurrentlyStatus status = listener.consumeMessage(List.of(TestMessageExts.withId(key)),
                new ConsumeConcurrentlyContext(new MessageQueue("orders", "b", 0)));
            if (status != ConsumeConcurrentlyStatus.CONSUME_SUCCESS) {
                throw new IllegalStateException(key + " not consumed: " + status);
            }
        }
        throw new IllegalStateException("key-" + crashAt + " never came");
    }

    static List<String> keys(int count) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            keys.add("key-" + k);
        }
        return keys;
    }

    private static void write(Connection connection, String effects, MessageExt message, String worker)
        throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + effects
            + " (message_key, worker) VALUES (?, ?)")) {
            insert.setString(1, message.getMsgId());
            insert.setString(2, worker);
            insert.executeUpdate();
        }
    }
}
