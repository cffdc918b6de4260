package dev.ferry.client.grpc;

import java.util.List;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * Processes what a 5.x {@code SimpleConsumer} received, each key once, and acknowledges what it settled.
 *
 * <pre>{@code
 * IdempotentSimpleConsumer idempotent = GrpcIdempotent.using(store).namespace("orders-app").simpleConsumer(consumer);
 * while (running) {
 *     idempotent.process(consumer.receive(16, Duration.ofSeconds(30)), message -> orders.apply(message));
 * }
 * }</pre>
 *
 * <p>Thread-safe; any number of receive loops may share one.
 */
public interface IdempotentSimpleConsumer {

    /**
     * Goes through {@code received} in list order on the calling thread:
     * <ul>
     *   <li>a message processed before is acknowledged without calling {@code handler};</li>
     *   <li>a new one is handed to {@code handler}, marked done once it returns, then acknowledged (in that order:
     *   a crash in between leaves a redelivery that is acknowledged as a duplicate);</li>
     *   <li>one {@code handler} throws on is released and not acknowledged: it comes back when its invisible
     *   duration ends, and is processed again;</li>
     *   <li>one whose key another thread or process holds is neither processed nor acknowledged: it comes back
     *   later (sooner with a busy retry delay, see {@link GrpcIdempotent#simpleConsumer(
     *   org.apache.rocketmq.client.apis.consumer.SimpleConsumer, java.time.Duration)}), and is then dropped if the
     *   holder finished it, processed if the holder failed.</li>
     * </ul>
     * A message of a FIFO message group that was not processed (failed or held elsewhere) holds back the later
     * messages of its group in {@code received}, which are left unacknowledged, so that the group keeps its order.
     * An acknowledgement that fails is logged: the message comes back and is acknowledged as a duplicate then.
     *
     * @param received what this helper's consumer's {@code receive} returned: acknowledgements go through that
     *     consumer
     * @return how many messages were processed, dropped, failed, left for later
     * @throws IllegalStateException if the store cannot be read; that message and the ones after it are left
     *     unacknowledged, and nothing is claimed
     */
    ReceiveOutcome process(List<MessageView> received, MessageViewHandler handler);
}
