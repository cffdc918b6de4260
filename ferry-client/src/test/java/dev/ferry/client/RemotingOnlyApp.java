package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.client.consumer.BatchOutcome;
import dev.ferry.client.consumer.Idempotent;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.TestMessageExts;
import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageQueue;

/** An application on the remoting client only, for {@link WithoutGrpcClientTest}: a store and every wrapper. */
public final class RemotingOnlyApp implements Runnable {

    @Override
    public void run() {
        try (ProcessedMessages store = ProcessedMessageStores.inMemory().build()) {
            Idempotent idempotent = Idempotent.using(store).namespace("app");
            MessageListenerConcurrently listener = idempotent.concurrently(
                (messages, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            ConsumeConcurrentlyContext context = new ConsumeConcurrentlyContext(new MessageQueue("orders", "b", 0));
            assertThat(listener.consumeMessage(List.of(TestMessageExts.withId("a")), context))
                .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            idempotent.orderly((messages, context2) -> null);
            BatchOutcome outcome = idempotent.litePull()
                .process(List.of(TestMessageExts.withId("a"), TestMessageExts.withId("b")), message -> { });
            assertThat(outcome).isEqualTo(new BatchOutcome(1, 1));
        }
    }
}
