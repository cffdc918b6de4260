package dev.ferry.client.consumer;

import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Processes the messages a {@code DefaultLitePullConsumer} polled, each key once.
 *
 * <pre>{@code
 * IdempotentLitePull idempotent = Idempotent.using(store).namespace("orders-app").litePull();
 * while (running) {
 *     idempotent.process(consumer.poll(), message -> orders.apply(message));
 * }
 * }</pre>
 *
 * <p>Thread-safe; any number of poll loops may share one, or use several over one store.
 *
 * <p>It takes messages from any consumer, but RocketMQ 5.x's {@code DefaultLitePullConsumer} itself needs 5.x
 * brokers: it pulls with {@code LITE_PULL_MESSAGE} (request code 361), which 4.x brokers refuse, so against a 4.x
 * cluster it receives nothing. There, use the push wrappers.
 */
public interface IdempotentLitePull {

    /**
     * Hands each message of {@code messages} whose key was not processed before to {@code handler}, in list
     * order and on the calling thread, and marks it done once the handler returns. A message whose key another
     * thread holds is waited for (up to the busy wait): processed if that thread released it, dropped if it
     * finished it.
     *
     * @return how many messages were processed and how many dropped as duplicates
     * @throws MessageNotProcessedException if a message could not be processed; the ones before it were, the
     *     ones after it were not looked at
     */
    BatchOutcome process(List<MessageExt> messages, MessageHandler handler);
}
