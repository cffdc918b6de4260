/**
 * One-line idempotency for RocketMQ's consumers: each message key is processed once, duplicates are dropped.
 *
 * <pre>{@code
 * Idempotent idempotent = Idempotent.using(store).namespace("orders-app");
 * pushConsumer.registerMessageListener(idempotent.concurrently(myListener));   // or idempotent.orderly(...)
 * BatchOutcome outcome = idempotent.litePull().process(litePullConsumer.poll(), message -> handle(message));
 * }</pre>
 *
 * <p>Every wrapper claims each message's key in a {@link dev.ferry.client.ProcessedMessages} store before the
 * application sees it, hands the application only the messages it won ({@link dev.ferry.client.Claim#NEW}),
 * marks their keys done once the application reports success and releases them otherwise, so that the
 * redelivery RocketMQ then makes is processed again. What each does with a message whose key another thread
 * holds ({@link dev.ferry.client.Claim#BUSY}) fits its consumer: the concurrent listener sends it back for a
 * later retry, the orderly listener suspends its queue a moment, the lite-pull helper waits.
 *
 * <p>{@code idempotent.transactionally(handler)} is the exactly-once variant for a store that marks inside the
 * application's transaction ({@code ProcessedMessageStores.jdbc}): the {@link
 * dev.ferry.client.consumer.TransactionalMessageHandler} writes through the connection of a transaction that also
 * marks the message, one transaction per message.
 *
 * <p>Only {@link dev.ferry.client.consumer.Idempotent}, the handler interfaces and the lite-pull types are public;
 * the listener classes are hidden behind RocketMQ's own listener interfaces. This package is for the remoting client
 * ({@code rocketmq-client}) and never loads a class of the 5.x gRPC client; its wrappers are in
 * {@code dev.ferry.client.grpc}.
 */
package dev.ferry.client.consumer;
