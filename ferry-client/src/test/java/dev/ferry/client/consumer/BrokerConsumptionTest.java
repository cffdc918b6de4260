package dev.ferry.client.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.Processing;
import dev.ferry.client.testing.RecordingStore;
import dev.ferry.client.testing.Traffic;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.EmbeddedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrappers on real consumers of a real broker, fed messages and duplicates that carry the same message ID:
 * each distinct ID is processed once, within one consumer's life and across a restart with a persistent store.
 */
class BrokerConsumptionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static EmbeddedCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedCluster.builder("client")
            // A duplicate met while its original is in progress is sent back for a retry, which RocketMQ delays
            // by 10 s and more by default; 1 s per level keeps these tests short without changing what happens.
            .brokerProperty("messageDelayLevel", String.join(" ", java.util.Collections.nCopies(18, "1s")))
            .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            EmbeddedCluster.closeInBackground(cluster);
        }
    }

    private static DefaultMQPushConsumer pushConsumer(String group, String topic) throws Exception {
        DefaultMQPushConsumer consumer = AppConsumer.of(group, cluster.namesrvAddr(), group + "-" + UUID.randomUUID());
        consumer.setConsumeThreadMin(4);
        consumer.setConsumeThreadMax(4);
        // Messages in the listener when shutdown starts are finished, and marked, before it returns.
        consumer.setAwaitTerminationMillisWhenShutdown(10_000);
        // A duplicate sent back for a retry goes to the group's retry topic. Created by the broker on the
        // consumer's first heartbeat, it would be consumed only after the next rebalance, 20 s later; created
        // first, it is part of the consumer's first rebalance.
        cluster.createTopic(MixAll.getRetryTopic(group), 1);
        consumer.subscribe(topic, "*");
        return consumer;
    }

    private static DefaultLitePullConsumer litePullConsumer(String group, String topic) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-" + UUID.randomUUID());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPollTimeoutMillis(200);
        consumer.subscribe(topic, "*");
        consumer.start();
        return consumer;
    }

    /** Sends {@code count} messages and a duplicate of every fourth; returns the originals' IDs. */
    private static List<String> sendWithDuplicates(String topic, int queues, int count) throws Exception {
        cluster.createTopic(topic, queues);
        try (Traffic traffic = new Traffic(cluster.namesrvAddr())) {
            List<String> ids = traffic.send(topic, count);
            traffic.sendDuplicates(topic, IntStream.range(0, count).filter(i -> i % 4 == 0).mapToObj(ids::get).toList());
            return ids;
        }
    }

    @Test
    void aPushConsumerWithSeveralThreadsProcessesEachIdOnceAndDropsTheDuplicates() throws Exception {
        List<String> ids = sendWithDuplicates("orders", 4, 400);
        RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
        Processing app = new Processing();
        String slow = ids.get(4);

        DefaultMQPushConsumer consumer = pushConsumer("orders-app", "orders");
        consumer.registerMessageListener(Idempotent.using(store).concurrently((messages, context) -> {
            messages.forEach(message -> {
                holdUntilItsDuplicateMetIt(message, slow, store);
                app.process(message);
            });
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        }));
        consumer.start();
        try {
            await().atMost(PATIENCE).until(() -> app.distinct() == 400 && store.claims(Claim.DONE) == 100);
        } finally {
            consumer.shutdown();
        }

        assertThat(app.processed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        app.assertEachOnce();
        assertThat(store.claims(Claim.NEW)).isEqualTo(400);
        assertThat(store.claims(Claim.DONE)).as("duplicates dropped").isEqualTo(100);
        assertThat(store.calls).contains("claim " + slow + " BUSY", "claim " + slow + " DONE");
    }

    /**
     * Holds the original of {@code slow} in the listener until its duplicate, on another queue, was consumed by
     * another thread meanwhile: so that every run sends a duplicate back for a retry, as a busy consumer does.
     */
    private static void holdUntilItsDuplicateMetIt(MessageExt message, String slow, RecordingStore store) {
        if (message.getMsgId().equals(slow) && store.count("claim " + slow + " BUSY") == 0) {
            await().atMost(PATIENCE).until(() -> store.count("claim " + slow + " BUSY") > 0);
        }
    }

    @Test
    void anOrderlyPushConsumerProcessesEachIdOnceInQueueOrder() throws Exception {
        List<String> ids = sendWithDuplicates("shipments", 4, 200);
        RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
        Processing app = new Processing();
        String slow = ids.get(4);

        DefaultMQPushConsumer consumer = pushConsumer("shipments-app", "shipments");
        consumer.registerMessageListener(Idempotent.using(store)
            .orderly((messages, context) -> {
                messages.forEach(message -> {
                    holdUntilItsDuplicateMetIt(message, slow, store);
                    app.process(message);
                });
                return ConsumeOrderlyStatus.SUCCESS;
            }));
        consumer.start();
        try {
            await().atMost(PATIENCE).until(() -> app.distinct() == 200 && store.claims(Claim.DONE) == 50);
        } finally {
            consumer.shutdown();
        }

        assertThat(app.processed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        app.assertEachOnce();
        Map<String, List<Long>> offsetsByQueue = new ConcurrentHashMap<>();
        for (String position : app.order) {
            String[] parts = position.split(":");
            offsetsByQueue.computeIfAbsent(parts[0], q -> new ArrayList<>()).add(Long.parseLong(parts[1]));
        }
        assertThat(offsetsByQueue.values()).allSatisfy(offsets -> assertThat(offsets).isSorted());
        assertThat(store.calls).contains("claim " + slow + " BUSY", "claim " + slow + " DONE");
    }

    /**
     * A consumer processes half of the messages and stops; a new consumer group in the same namespace then reads
     * the topic from its first offset, over the reopened store: it processes only the other half.
     */
    @Test
    void aPersistentStoreKeepsARestartedPushConsumerFromProcessingAnythingTwice() throws Exception {
        List<String> ids = sendWithDuplicates("payments", 4, 200);
        Path db = dir.resolve("payments");
        Processing before = new Processing();
        AtomicInteger accepted = new AtomicInteger();

        try (ProcessedMessages store = ProcessedMessageStores.rocksDb(db).open()) {
            DefaultMQPushConsumer consumer = pushConsumer("payments-app", "payments");
            consumer.registerMessageListener(Idempotent.using(store).namespace("payments")
                .concurrently((messages, context) -> {
                    // Stops after 100 messages, as an application that goes down: the rest is refused.
                    if (accepted.addAndGet(messages.size()) > 100) {
                        accepted.addAndGet(-messages.size());
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                    messages.forEach(before::process);
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                }));
            consumer.start();
            try {
                await().atMost(PATIENCE).until(() -> before.distinct() == 100);
            } finally {
                consumer.shutdown();
            }
        }
        before.assertEachOnce();
        assertThat(before.distinct()).isEqualTo(100);

        Processing after = new Processing();
        try (ProcessedMessages reopened = ProcessedMessageStores.rocksDb(db).open()) {
            RecordingStore store = new RecordingStore(reopened);
            DefaultMQPushConsumer consumer = pushConsumer("payments-app-v2", "payments");
            consumer.registerMessageListener(Idempotent.using(store).namespace("payments")
                .concurrently((messages, context) -> {
                    messages.forEach(after::process);
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                }));
            consumer.start();
            try {
                // All 250 messages are redelivered: the 100 new ones processed, the others dropped.
                await().atMost(PATIENCE).until(() -> after.distinct() == 100 && store.claims(Claim.DONE) == 150);
            } finally {
                consumer.shutdown();
            }
        }
        after.assertEachOnce();
        assertThat(after.processed.keySet()).doesNotContainAnyElementsOf(before.processed.keySet());
        Set<String> all = new HashSet<>(before.processed.keySet());
        all.addAll(after.processed.keySet());
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aPersistentStoreKeepsARestartedLitePullConsumerFromProcessingAnythingTwice() throws Exception {
        List<String> ids = sendWithDuplicates("invoices", 2, 200);
        Path db = dir.resolve("invoices");
        Processing before = new Processing();

        try (ProcessedMessages store = ProcessedMessageStores.rocksDb(db).open()) {
            IdempotentLitePull idempotent = Idempotent.using(store).namespace("invoices").litePull();
            DefaultLitePullConsumer consumer = litePullConsumer("invoices-app", "invoices");
            try {
                boolean stopped = false;
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!stopped && System.nanoTime() < deadline) {
                    try {
                        idempotent.process(consumer.poll(), message -> {
                            if (before.distinct() == 100) {
                                throw new IllegalStateException("going down");
                            }
                            before.process(message);
                        });
                    } catch (MessageNotProcessedException e) {
                        stopped = true;
                    }
                }
                assertThat(stopped).as("stopped after 100 messages").isTrue();
            } finally {
                consumer.shutdown();
            }
        }
        before.assertEachOnce();
        assertThat(before.distinct()).isEqualTo(100);

        Processing after = new Processing();
        int processed = 0;
        int duplicates = 0;
        try (ProcessedMessages reopened = ProcessedMessageStores.rocksDb(db).open()) {
            IdempotentLitePull idempotent = Idempotent.using(reopened).namespace("invoices").litePull();
            DefaultLitePullConsumer consumer = litePullConsumer("invoices-app-v2", "invoices");
            try {
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (processed + duplicates < 250 && System.nanoTime() < deadline) {
                    BatchOutcome outcome = idempotent.process(consumer.poll(), after::process);
                    processed += outcome.processed();
                    duplicates += outcome.duplicates();
                }
            } finally {
                consumer.shutdown();
            }
        }
        assertThat(processed).isEqualTo(100);
        assertThat(duplicates).isEqualTo(150);
        after.assertEachOnce();
        assertThat(after.processed.keySet()).doesNotContainAnyElementsOf(before.processed.keySet());
        Set<String> all = new HashSet<>(before.processed.keySet());
        all.addAll(after.processed.keySet());
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    }
}
