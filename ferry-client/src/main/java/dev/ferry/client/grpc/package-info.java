/**
 * One-line idempotency for the RocketMQ 5.x gRPC client ({@code rocketmq-client-java}): each message key is
 * processed once, duplicates are dropped.
 *
 * <pre>{@code
 * GrpcIdempotent idempotent = GrpcIdempotent.using(store).namespace("orders-app");
 * pushConsumerBuilder.setMessageListener(idempotent.listener(myListener));
 * ReceiveOutcome outcome = idempotent.simpleConsumer(simpleConsumer)
 *     .process(simpleConsumer.receive(16, Duration.ofSeconds(30)), message -> handle(message));
 * }</pre>
 *
 * <p>The same claim, then done or release protocol as {@code dev.ferry.client.consumer}, over the same
 * {@link dev.ferry.client.ProcessedMessages} stores and with the same store keys: the message ID a
 * {@code MessageView} reports is the {@code UNIQ_KEY} the remoting client reads. A message whose key another thread
 * holds is left for the client's own retry: the push listener answers {@code FAILURE}, the simple-consumer helper
 * does not acknowledge it.
 *
 * <p>This is the only package of {@code ferry-client} that references {@code rocketmq-client-java}, an optional
 * dependency: an application on the remoting client neither needs it nor loads any class of this package. Only
 * {@link dev.ferry.client.grpc.GrpcIdempotent} and the types of its signatures are public; the listener and the
 * helper hide behind RocketMQ's {@code MessageListener} and {@link dev.ferry.client.grpc.IdempotentSimpleConsumer}.
 */
package dev.ferry.client.grpc;
