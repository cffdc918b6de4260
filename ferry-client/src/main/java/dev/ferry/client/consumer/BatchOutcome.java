package dev.ferry.client.consumer;

/**
 * What {@link IdempotentLitePull#process} did with a polled batch.
 *
 * @param processed messages handed to the handler and marked done (plus any without a key, handled unmarked)
 * @param duplicates messages dropped because their key was processed before
 */
public record BatchOutcome(int processed, int duplicates) {
}
