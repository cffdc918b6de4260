package dev.ferry.client.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.client.Claim;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.Processing;
import dev.ferry.client.testing.RecordingStore;
import dev.ferry.client.testing.Traffic;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.EmbeddedProxy;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC wrappers on real 5.x clients of a real rocketmq-proxy 5.5 in front of an embedded broker, fed by the
 * remoting producer with messages and duplicates that carry the same {@code UNIQ_KEY}, as Ferry's copies do: every
 * delivery reports that {@code UNIQ_KEY} as its message ID, and each ID is processed exactly once. In each run a
 * duplicate arrives while its original is processed (it is retried, then dropped), and for the push consumer a first
 * processing fails (the message is released, redelivered by RocketMQ and processed then).
 */
class GrpcConsumptionTest {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcConsumptionTest.class);
    private static final ClientServiceProvider CLIENTS = ClientServiceProvider.loadService();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int MESSAGES = 200;
    private static final int QUEUES = 4;
    /** The shortest the proxy accepts for a receive (its minInvisibleTimeMillsForRecv). */
    private static final Duration INVISIBLE = Duration.ofSeconds(10);

    private static EmbeddedCluster cluster;
    private static EmbeddedProxy proxy;
    private static final List<Thread> CLIENT_CLOSERS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        cluster = EmbeddedCluster.builder("grpc-client").start();
        proxy = EmbeddedProxy.start(cluster);
    }

    @AfterAll
    static void stop() {
        // A proxy takes about 10 s to close: in the background, while the next class runs; after its clients.
        new Thread(() -> {
            for (Thread closer : CLIENT_CLOSERS) {
                try {
                    closer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (proxy != null) {
                proxy.close();
            }
            EmbeddedCluster.closeInBackground(cluster);
        }, "grpc-consumption-test-close").start();
    }

    /**
     * Closes a client while the test goes on. A push consumer's close waits for its receive requests in flight
     * (long polls at the proxy) to end, and then a fixed second: about 20 s of nothing in a short test otherwise.
     */
    private static void closeInBackground(Closeable client) {
        Thread closer = new Thread(() -> {
            try {
                client.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "grpc-consumption-test-client-close");
        CLIENT_CLOSERS.add(closer);
        closer.start();
    }

    /** What was sent: the IDs of the originals in send order, and which of them got a duplicate. */
    private record Sent(List<String> ids, Set<String> duplicated) {

        /** The {@code UNIQ_KEY} the remoting producer sent {@code view} with, read from what it carries. */
        String uniqKeyOf(MessageView view) {
            String seq = view.getProperties().get(Traffic.SEQ);
            if (seq != null) {
                return ids.get(Integer.parseInt(seq));
            }
            String body = StandardCharsets.UTF_8.decode(view.getBody().duplicate()).toString();
            return duplicated.stream().filter(id -> body.equals(Traffic.duplicateBody(id))).findFirst().orElseThrow();
        }
    }

    /** {@link #MESSAGES} messages, then a second message with the ID of every fourth, on another queue mostly. */
    private static Sent send(String topic) throws Exception {
        cluster.createTopic(topic, QUEUES);
        try (Traffic traffic = new Traffic(cluster.namesrvAddr())) {
            List<String> ids = traffic.send(topic, MESSAGES);
            List<String> duplicated = IntStream.range(0, MESSAGES).filter(i -> i % 4 == 0).mapToObj(ids::get).toList();
            traffic.sendDuplicates(topic, duplicated);
            return new Sent(ids, Set.copyOf(duplicated));
        }
    }

    @Test
    void aPushConsumerProcessesEachIdOnceThroughTheProxy() throws Exception {
        String topic = "grpc-orders";
        Sent sent = send(topic);
        RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
        Processing app = new Processing();
        List<String> wrongIds = new CopyOnWriteArrayList<>();
        AtomicInteger deliveries = new AtomicInteger();
        HeldOnce held = new HeldOnce(store, sent.duplicated());
        // A message without a duplicate whose first processing fails: released, redelivered, processed then.
        String failsOnce = sent.ids().get(1);
        AtomicBoolean failed = new AtomicBoolean();

        MessageListener idempotent = GrpcIdempotent.using(store).listener(message -> {
            if (message.getMessageId().toString().equals(failsOnce) && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("the first attempt fails");
            }
            held.untilItsDuplicateMetIt(message);
            app.process(message);
            return ConsumeResult.SUCCESS;
        });
        PushConsumer consumer = CLIENTS.newPushConsumerBuilder().setClientConfiguration(clientConfig())
            .setConsumerGroup("grpc-orders-app").setConsumptionThreadCount(4)
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
            .setMessageListener(message -> {
                // Every delivery, duplicates included, before the wrapper: its message ID is the UNIQ_KEY sent.
                deliveries.incrementAndGet();
                if (!message.getMessageId().toString().equals(sent.uniqKeyOf(message))) {
                    wrongIds.add(message.getMessageId() + " for " + sent.uniqKeyOf(message));
                }
                return idempotent.consume(message);
            }).build();
        try {
            await().atMost(PATIENCE)
                .until(() -> app.distinct() == MESSAGES && store.claims(Claim.DONE) >= sent.duplicated().size());
        } finally {
            closeInBackground(consumer);
        }

        LOG.info("Push consumer through the proxy: {} IDs sent, {} with a duplicate; {} deliveries, {} processed,"
            + " processed twice: {}, lost: {}, duplicates dropped: {}, met in progress: {}", MESSAGES,
            sent.duplicated().size(), deliveries.get(), app.distinct(), app.processedTwice(), app.lost(sent.ids()),
            store.claims(Claim.DONE), store.claims(Claim.BUSY));
        assertThat(wrongIds).isEmpty();
        assertThat(app.lost(sent.ids())).as("lost").isZero();
        assertThat(app.processed.keySet()).containsExactlyInAnyOrderElementsOf(sent.ids());
        app.assertEachOnce();
        assertThat(deliveries.get()).isGreaterThanOrEqualTo(MESSAGES + sent.duplicated().size());
        assertThat(held.id()).isNotNull();
        // Retried after the group's default retry policy's first delay, 1 s (then 5 s, 10 s, ...).
        assertThat(store.calls).as("the duplicate met in progress is retried, then dropped")
            .containsSubsequence("claim " + held.id() + " BUSY", "claim " + held.id() + " DONE");
        assertThat(store.calls).as("the failed message is released, redelivered and processed")
            .containsSubsequence("claim " + failsOnce + " NEW", "release " + failsOnce, "claim " + failsOnce + " NEW",
                "done " + failsOnce);
    }

    @Test
    void simpleConsumerLoopsProcessEachIdOnceThroughTheProxy() throws Exception {
        String topic = "grpc-invoices";
        Sent sent = send(topic);
        RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
        Processing app = new Processing();
        List<String> wrongIds = new CopyOnWriteArrayList<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger deliveries = new AtomicInteger();
        HeldOnce held = new HeldOnce(store, sent.duplicated());
        AtomicBoolean running = new AtomicBoolean(true);

        ExecutorService loops = Executors.newFixedThreadPool(2);
        try (SimpleConsumer consumer = CLIENTS.newSimpleConsumerBuilder().setClientConfiguration(clientConfig())
            .setConsumerGroup("grpc-invoices-app").setAwaitDuration(Duration.ofSeconds(1))
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL)).build()) {
            IdempotentSimpleConsumer idempotent = GrpcIdempotent.using(store)
                .simpleConsumer(consumer, Duration.ofSeconds(1));
            // Two receive loops on one consumer, as an application with two worker threads.
            List<? extends Future<?>> workers = IntStream.range(0, 2).mapToObj(i -> loops.submit(() -> {
                while (running.get()) {
                    List<MessageView> received = consumer.receive(16, INVISIBLE);
                    for (MessageView view : received) {
                        deliveries.incrementAndGet();
                        if (!view.getMessageId().toString().equals(sent.uniqKeyOf(view))) {
                            wrongIds.add(view.getMessageId() + " for " + sent.uniqKeyOf(view));
                        }
                    }
                    ReceiveOutcome outcome = idempotent.process(received, view -> {
                        // Held only where its duplicate is not in this very batch, which only this thread could reach.
                        if (received.stream().filter(other -> other.getMessageId().toString()
                            .equals(view.getMessageId().toString())).count() == 1) {
                            held.untilItsDuplicateMetIt(view);
                        }
                        app.process(view);
                    });
                    duplicates.addAndGet(outcome.duplicates());
                }
                return null;
            })).toList();
            try {
                await().atMost(PATIENCE)
                    .until(() -> app.distinct() == MESSAGES && duplicates.get() >= sent.duplicated().size());
            } finally {
                running.set(false);
                for (Future<?> worker : workers) {
                    worker.get(30, TimeUnit.SECONDS); // a loop's failure fails the test here
                }
                loops.shutdown();
            }
            assertThat(consumer.receive(16, INVISIBLE)).as("everything acknowledged").isEmpty();
        }

        LOG.info("Simple consumer through the proxy: {} IDs sent, {} with a duplicate; {} deliveries, {} processed,"
            + " processed twice: {}, lost: {}, duplicates acknowledged unprocessed: {}, met in progress: {}", MESSAGES,
            sent.duplicated().size(), deliveries.get(), app.distinct(), app.processedTwice(), app.lost(sent.ids()), duplicates.get(),
            store.claims(Claim.BUSY));
        assertThat(wrongIds).isEmpty();
        assertThat(app.lost(sent.ids())).as("lost").isZero();
        assertThat(app.processed.keySet()).containsExactlyInAnyOrderElementsOf(sent.ids());
        app.assertEachOnce();
        assertThat(duplicates.get()).as("duplicates acknowledged unprocessed")
            .isGreaterThanOrEqualTo(sent.duplicated().size());
        assertThat(held.id()).isNotNull();
        assertThat(store.calls).as("the duplicate met in progress comes back, then is dropped")
            .containsSubsequence("claim " + held.id() + " BUSY", "claim " + held.id() + " DONE");
    }

    /**
     * Holds the first duplicated message an application thread processes until its other copy met it in progress
     * (its claim answered BUSY), so that every run shows a duplicate that arrives while its original is processed.
     */
    private static final class HeldOnce {

        private final RecordingStore store;
        private final Set<String> duplicated;
        private final Set<String> chosen = Collections.newSetFromMap(new ConcurrentHashMap<>());

        HeldOnce(RecordingStore store, Set<String> duplicated) {
            this.store = store;
            this.duplicated = duplicated;
        }

        void untilItsDuplicateMetIt(MessageView message) {
            String id = message.getMessageId().toString();
            synchronized (chosen) {
                if (!chosen.isEmpty() || !duplicated.contains(id)) {
                    return;
                }
                chosen.add(id);
            }
            await().atMost(PATIENCE).until(() -> store.count("claim " + id + " BUSY") > 0);
        }

        String id() {
            return chosen.stream().findFirst().orElse(null);
        }
    }

    private static ClientConfiguration clientConfig() {
        return ClientConfiguration.newBuilder().setEndpoints(proxy.grpcEndpoint()).enableSsl(false)
            .setRequestTimeout(Duration.ofSeconds(10)).build();
    }
}
