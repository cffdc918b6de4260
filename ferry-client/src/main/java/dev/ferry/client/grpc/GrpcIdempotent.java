package dev.ferry.client.grpc;

import dev.ferry.client.ProcessedMessages;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a consumer of the 5.x gRPC client ({@code rocketmq-client-java}) deduplicates: which store, which key,
 * which namespace; and the wrappers that apply it. The counterpart of {@link dev.ferry.client.consumer.Idempotent}
 * for the remoting client, with the same settings and the same store keys: a message processed through one is a
 * duplicate to the other in the same namespace, so an application moving from one client to the other keeps what it
 * processed.
 *
 * <p>Immutable: each setting returns a new instance, so one base can serve several consumers.
 *
 * <pre>{@code
 * PushConsumer consumer = provider.newPushConsumerBuilder()
 *     ...
 *     .setMessageListener(GrpcIdempotent.using(store).namespace("billing").listener(myListener))
 *     .build();
 *
 * IdempotentSimpleConsumer idempotent = GrpcIdempotent.using(store).namespace("billing").simpleConsumer(simple);
 * while (running) {
 *     idempotent.process(simple.receive(16, Duration.ofSeconds(30)), message -> handle(message));
 * }
 * }</pre>
 *
 * <p>Close the consumer before its store: a message processed after its store closed cannot be marked done, and is
 * processed again when redelivered.
 */
public final class GrpcIdempotent {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcIdempotent.class);
    /** Idempotent's separator: both clients' wrappers must build the same store key for one message. */
    private static final String NAMESPACE_SEPARATOR = ":";

    private final ProcessedMessages store;
    private final MessageViewKey key;
    /** Empty: keys go to the store as they are. */
    private final Optional<String> namespace;

    private GrpcIdempotent(ProcessedMessages store, MessageViewKey key, Optional<String> namespace) {
        this.store = store;
        this.key = key;
        this.namespace = namespace;
    }

    /** Deduplicates through {@code store}, by message ID ({@link MessageViewKey#messageId()}), in no namespace. */
    public static GrpcIdempotent using(ProcessedMessages store) {
        return new GrpcIdempotent(Objects.requireNonNull(store, "store"), MessageViewKey.messageId(), Optional.empty());
    }

    /** What identifies a message (default: its message ID, which Ferry keeps on every copy). */
    public GrpcIdempotent key(MessageViewKey key) {
        return new GrpcIdempotent(store, Objects.requireNonNull(key, "key"), namespace);
    }

    /**
     * Keeps this consumer's keys apart from other consumers' in the same store, typically by consumer group, as
     * {@link dev.ferry.client.consumer.Idempotent#namespace(String)} does, and with the same keys.
     *
     * @param namespace non-empty, without {@code ':'}, so that no two namespaced keys can be confused
     */
    public GrpcIdempotent namespace(String namespace) {
        if (namespace == null || namespace.isEmpty() || namespace.contains(NAMESPACE_SEPARATOR)) {
            throw new IllegalArgumentException("namespace must be non-empty and without '" + NAMESPACE_SEPARATOR
                + "': " + namespace);
        }
        return new GrpcIdempotent(store, key, Optional.of(namespace));
    }

    /**
     * Wraps the {@code MessageListener} of a {@code PushConsumer}, for {@code setMessageListener}. {@code listener}
     * sees only messages not processed before, and not being processed by another thread or process right now.
     * <ul>
     *   <li>{@code SUCCESS} marks the message done; the consumer acknowledges it.</li>
     *   <li>{@code FAILURE}, null or an exception releases it: the consumer retries it after its retry policy's
     *   delay, and the retry is processed again. (An exception reaches the client, which logs it.)</li>
     *   <li>A message processed before answers {@code SUCCESS} without reaching {@code listener}: acknowledged,
     *   dropped.</li>
     *   <li>A message whose original another thread or process is processing right now answers {@code FAILURE}:
     *   retried like a failure, it is then dropped if the original succeeded, processed if it failed. Never two at
     *   once, never dropped while the original could still fail. Waiting for it instead would hold a consumption
     *   thread for as long as the original takes.</li>
     * </ul>
     * Retries of such a duplicate count as delivery attempts like any other: the group's {@code maxDeliveryAttempts}
     * must leave room for them (after the last, RocketMQ moves the message to the dead-letter queue).
     */
    public MessageListener listener(MessageListener listener) {
        return new IdempotentMessageListener(this, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A helper for a {@code SimpleConsumer}'s receive loop; a message another thread or process holds is left
     * unacknowledged and comes back when the invisible duration given to {@code receive} ends.
     */
    public IdempotentSimpleConsumer simpleConsumer(SimpleConsumer consumer) {
        return new SimpleConsumerProcessor(this, Objects.requireNonNull(consumer, "consumer"), Optional.empty());
    }

    /**
     * A helper for a {@code SimpleConsumer}'s receive loop that makes a message another thread or process holds
     * visible again after {@code busyRetryAfter} ({@code changeInvisibleDuration}), rather than after the rest of the
     * invisible duration given to {@code receive}: a duplicate is then settled sooner, at the price of one more call
     * to the proxy and one more delivery attempt each time.
     */
    public IdempotentSimpleConsumer simpleConsumer(SimpleConsumer consumer, Duration busyRetryAfter) {
        if (busyRetryAfter == null || busyRetryAfter.isNegative() || busyRetryAfter.isZero()) {
            throw new IllegalArgumentException("busyRetryAfter must be positive: " + busyRetryAfter);
        }
        return new SimpleConsumerProcessor(this, Objects.requireNonNull(consumer, "consumer"),
            Optional.of(busyRetryAfter));
    }

    ProcessedMessages store() {
        return store;
    }

    /** The store key of {@code message}, namespaced; null if the message has no key. */
    String keyOf(MessageView message) {
        String plain = key.of(message);
        if (plain == null || plain.isEmpty()) {
            LOG.debug("Message {} of topic {} has no key: processed without deduplication", message.getMessageId(),
                message.getTopic());
            return null;
        }
        return namespace.map(name -> name + NAMESPACE_SEPARATOR + plain).orElse(plain);
    }

    static void dropped(MessageView message, String key) {
        LOG.debug("Dropped duplicate {} (topic {}, delivery attempt {})", key, message.getTopic(),
            message.getDeliveryAttempt());
    }

    static void held(MessageView message, String key) {
        LOG.debug("Duplicate {} (topic {}) is being processed elsewhere: left for a retry", key, message.getTopic());
    }

    @Override
    public String toString() {
        return "GrpcIdempotent[store=" + store + namespace.map(name -> ", namespace=" + name).orElse("") + "]";
    }
}
