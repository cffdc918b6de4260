package dev.ferry.client.consumer;

import static dev.ferry.client.testing.TestMessageExts.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.RecordingStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** The orderly wrapper against a real in-memory store, with batches built by hand. */
class IdempotentOrderlyListenerTest {

    private final RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
    private final List<List<String>> seen = new ArrayList<>();

    private static ConsumeOrderlyContext context() {
        return new ConsumeOrderlyContext(new MessageQueue("orders", "broker-a", 0));
    }

    private MessageListenerOrderly wrap(ConsumeOrderlyStatus status) {
        return Idempotent.using(store).orderly((messages, context) -> {
            seen.add(messages.stream().map(MessageExt::getMsgId).toList());
            return status;
        });
    }

    @Test
    void passesNewMessagesInOrderAndDropsDuplicates() {
        MessageListenerOrderly listener = wrap(ConsumeOrderlyStatus.SUCCESS);

        assertThat(listener.consumeMessage(List.of(withId("a"), withId("b")), context()))
            .isEqualTo(ConsumeOrderlyStatus.SUCCESS);
        assertThat(listener.consumeMessage(List.of(withId("a"), withId("c"), withId("b"), withId("d")), context()))
            .isEqualTo(ConsumeOrderlyStatus.SUCCESS);

        assertThat(seen).containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void stopsAtAMessageAnotherThreadHoldsAndSuspendsTheQueue() {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        MessageListenerOrderly listener = wrap(ConsumeOrderlyStatus.SUCCESS);
        List<MessageExt> batch = List.of(withId("a"), withId("held"), withId("c"));

        assertThat(listener.consumeMessage(batch, context()))
            .isEqualTo(ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT);
        assertThat(seen).containsExactly(List.of("a"));
        assertThat(store.calls).doesNotContain("claim c NEW");

        // RocketMQ retries the whole batch; the holder failed meanwhile, so held is processed here.
        store.delegate.release("held");
        assertThat(listener.consumeMessage(batch, context())).isEqualTo(ConsumeOrderlyStatus.SUCCESS);
        assertThat(seen).containsExactly(List.of("a"), List.of("held", "c"));
    }

    @Test
    void suspendOrAnExceptionReleasesTheMessages() {
        assertThat(wrap(ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT)
            .consumeMessage(List.of(withId("a")), context()))
            .isEqualTo(ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT);
        MessageListenerOrderly failing = Idempotent.using(store).orderly((messages, context) -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> failing.consumeMessage(List.of(withId("a")), context())).hasMessage("boom");

        assertThat(store.calls).containsExactly("claim a NEW", "release a", "claim a NEW", "release a");
        assertThat(store.delegate.claim("a")).isEqualTo(Claim.NEW);
    }
}
