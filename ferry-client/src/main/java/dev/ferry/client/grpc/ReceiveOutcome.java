package dev.ferry.client.grpc;

/**
 * What {@link IdempotentSimpleConsumer#process} did with the messages of one {@code receive}.
 *
 * @param processed messages handed to the handler, marked done and acknowledged (plus any without a key, handled
 *     and acknowledged unmarked)
 * @param duplicates messages acknowledged without processing, because their key was processed before
 * @param failed messages the handler threw on: released and not acknowledged, so they come back once their
 *     invisible duration ends
 * @param deferred messages neither processed nor acknowledged, to come back later: another thread or process held
 *     their key, or an earlier message of their message group in the batch was not processed (FIFO order), or the
 *     thread was interrupted
 */
public record ReceiveOutcome(int processed, int duplicates, int failed, int deferred) {
}
