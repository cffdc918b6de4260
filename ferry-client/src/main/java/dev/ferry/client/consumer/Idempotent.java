package dev.ferry.client.consumer;

import dev.ferry.client.MessageKey;
import dev.ferry.client.ProcessedInTransaction;
import dev.ferry.client.ProcessedMessages;
import java.time.Duration;
import java.util.Objects;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a consumer deduplicates: which store, which key, which namespace; and the wrappers that apply it.
 *
 * <p>Immutable: each setting returns a new instance, so one base can serve several consumers.
 *
 * <pre>{@code
 * consumer.registerMessageListener(Idempotent.using(store).concurrently(listener));
 *
 * Idempotent byOrderNumber = Idempotent.using(store)
 *     .namespace("billing")                   // one store, several consumer groups
 *     .key(MessageKey.firstBusinessKey());    // the order number the producer put in the keys
 *
 * // exactly-once writes: the handler's writes and the mark in one transaction (a JDBC store)
 * consumer.registerMessageListener(Idempotent.using(jdbcStore).transactionally((message, connection) -> ...));
 * }</pre>
 *
 * <p>Shut a push consumer down before closing its store, and let it finish what it is processing
 * ({@code DefaultMQPushConsumer.setAwaitTerminationMillisWhenShutdown}): a message processed after its store
 * closed cannot be marked done, and is processed again when redelivered.
 */
public final class Idempotent {

    /** Long enough for another thread to finish an ordinary message; a stuck one should not stall a poll loop. */
    static final Duration DEFAULT_BUSY_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Idempotent.class);
    private static final String NAMESPACE_SEPARATOR = ":";

    private final ProcessedMessages store;
    private final MessageKey key;
    /** Null: keys go to the store as they are. */
    private final String namespace;

    private Idempotent(ProcessedMessages store, MessageKey key, String namespace) {
        this.store = store;
        this.key = key;
        this.namespace = namespace;
    }

    /** Deduplicates through {@code store}, by message ID ({@link MessageKey#messageId()}), in no namespace. */
    public static Idempotent using(ProcessedMessages store) {
        return new Idempotent(Objects.requireNonNull(store, "store"), MessageKey.messageId(), null);
    }

    /** What identifies a message (default: its message ID, which Ferry keeps on every copy). */
    public Idempotent key(MessageKey key) {
        return new Idempotent(store, Objects.requireNonNull(key, "key"), namespace);
    }

    /**
     * Keeps this consumer's keys apart from other consumers' in the same store, typically by consumer group:
     * the same message processed by two groups is two processings. Consumers that must see each other's
     * processed keys (a new group taking over from an old one, say) share a namespace. Use one for every
     * consumer of a shared store.
     *
     * @param namespace non-empty, without {@code ':'}, so that no two namespaced keys can be confused
     */
    public Idempotent namespace(String namespace) {
        if (namespace == null || namespace.isEmpty() || namespace.contains(NAMESPACE_SEPARATOR)) {
            throw new IllegalArgumentException("namespace must be non-empty and without '" + NAMESPACE_SEPARATOR
                + "': " + namespace);
        }
        return new Idempotent(store, key, namespace);
    }

    /**
     * Wraps a listener of a {@code DefaultMQPushConsumer}, for {@code registerMessageListener}. {@code listener}
     * sees only messages not processed before, and not being processed by another thread.
     *
     * <ul>
     *   <li>{@code CONSUME_SUCCESS} marks every message it saw done (up to the context's {@code ackIndex}, if it
     *   set one: the rest are released and retried).</li>
     *   <li>{@code RECONSUME_LATER}, null or an exception releases them all: RocketMQ retries the batch.</li>
     *   <li>A message another thread is processing right now goes back to the broker for a retry (with
     *   RocketMQ's usual, growing delay), together with the messages after it in the batch that were not
     *   acknowledged. Its retry finds it done, and drops it, or released, and processes it. Waiting for it instead would hold a consumer thread, and two threads
     *   each holding a key the other waits for would deadlock.</li>
     * </ul>
     * Retries of the duplicate are counted by RocketMQ like any other ({@code maxReconsumeTimes}).
     */
    public MessageListenerConcurrently concurrently(MessageListenerConcurrently listener) {
        return new IdempotentConcurrentlyListener(this, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Wraps an orderly listener of a {@code DefaultMQPushConsumer}. {@code listener} sees, in queue order, the
     * messages of the batch not processed before, up to the first one another thread is processing right now.
     * {@code SUCCESS} (or {@code COMMIT}) marks them done; {@code SUSPEND_CURRENT_QUEUE_A_MOMENT}, {@code ROLLBACK},
     * null or an exception releases them. When the batch stopped at a message another thread holds, the queue is
     * suspended a moment and the batch retried from the start: the messages already done are then dropped, and
     * the held one is processed or dropped depending on how the other thread ended; order is kept.
     */
    public MessageListenerOrderly orderly(MessageListenerOrderly listener) {
        return new IdempotentOrderlyListener(this, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Wraps a handler that writes to the database of a transactional store ({@code ProcessedMessageStores.jdbc}) as
     * a listener of a {@code DefaultMQPushConsumer}: each message is handled in a transaction that also marks it
     * processed, so its writes are committed exactly once (see {@link ProcessedInTransaction} for why).
     *
     * <ul>
     *   <li>A message processed before is dropped without a transaction's work.</li>
     *   <li>A handler that throws, or a database failure, rolls the message's transaction back; the messages
     *   before it in the batch stay committed and acknowledged, it and the ones after it are retried by
     *   RocketMQ.</li>
     *   <li>A concurrent duplicate, in this process or another, waits for the first transaction on the key's
     *   row and is then dropped (or processed, if the first rolled back). A key claimed through
     *   {@code claim} on the same table goes back to the broker like the other wrappers' busy keys.</li>
     * </ul>
     * A message without a key (see {@link #key}) is handled in a transaction of its own without a mark, every
     * time it is delivered.
     *
     * @throws IllegalArgumentException if the store cannot process in a transaction
     */
    public MessageListenerConcurrently transactionally(TransactionalMessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!(store instanceof ProcessedInTransaction transactional)) {
            throw new IllegalArgumentException("transactionally(...) needs a store that marks messages inside the"
                + " application's transaction, such as ProcessedMessageStores.jdbc(dataSource); " + store
                + " cannot");
        }
        return new TransactionalConcurrentlyListener(this, transactional, handler);
    }

    /** A helper for {@code DefaultLitePullConsumer}; waits up to 30 s for a message another thread is processing. */
    public IdempotentLitePull litePull() {
        return litePull(DEFAULT_BUSY_WAIT);
    }

    /** A helper for {@code DefaultLitePullConsumer}, waiting up to {@code busyWait} for a message held elsewhere. */
    public IdempotentLitePull litePull(Duration busyWait) {
        if (busyWait == null || busyWait.isNegative()) {
            throw new IllegalArgumentException("busyWait must not be negative: " + busyWait);
        }
        return new LitePullProcessor(this, busyWait);
    }

    ProcessedMessages store() {
        return store;
    }

    /** The store key of {@code message}, namespaced; null if the message has no key. */
    String keyOf(MessageExt message) {
        String plain = key.of(message);
        if (plain == null || plain.isEmpty()) {
            LOG.debug("Message {} of topic {} has no key: processed without deduplication", message.getMsgId(),
                message.getTopic());
            return null;
        }
        return namespace == null ? plain : namespace + NAMESPACE_SEPARATOR + plain;
    }

    static void dropped(MessageExt message, String key) {
        LOG.debug("Dropped duplicate {} (topic {}, queue {}, offset {})", key, message.getTopic(),
            message.getQueueId(), message.getQueueOffset());
    }

    @Override
    public String toString() {
        return "Idempotent[store=" + store + (namespace == null ? "" : ", namespace=" + namespace) + "]";
    }
}
