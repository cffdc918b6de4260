package dev.ferry.client.consumer;

import static dev.ferry.client.testing.TestMessageExts.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.MessageKey;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.RecordingStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** The concurrent wrapper against a real in-memory store, with batches built by hand. */
class IdempotentConcurrentlyListenerTest {

    private final RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
    private final List<List<String>> seen = new ArrayList<>();

    private static ConsumeConcurrentlyContext context() {
        return new ConsumeConcurrentlyContext(new MessageQueue("orders", "broker-a", 0));
    }

    private MessageListenerConcurrently wrap(ConsumeConcurrentlyStatus status) {
        return Idempotent.using(store).concurrently((messages, context) -> {
            seen.add(ids(messages));
            return status;
        });
    }

    private static List<String> ids(List<MessageExt> messages) {
        return messages.stream().map(MessageExt::getMsgId).toList();
    }

    @Test
    void passesNewMessagesOnMarksThemDoneAndDropsTheirDuplicates() {
        MessageListenerConcurrently listener = wrap(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        ConsumeConcurrentlyContext first = context();
        assertThat(listener.consumeMessage(List.of(withId("a"), withId("b")), first))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(first.getAckIndex()).isEqualTo(1);
        assertThat(listener.consumeMessage(List.of(withId("b"), withId("c"), withId("a")), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(listener.consumeMessage(List.of(withId("c")), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        assertThat(seen).containsExactly(List.of("a", "b"), List.of("c"));
        assertThat(store.calls).contains("done a", "done b", "done c", "claim a DONE", "claim b DONE",
            "claim c DONE");
    }

    @Test
    void reconsumeLaterReleasesSoThatTheRetryIsProcessed() {
        wrap(ConsumeConcurrentlyStatus.RECONSUME_LATER).consumeMessage(List.of(withId("a")), context());
        assertThat(store.delegate.claim("a")).isEqualTo(Claim.NEW);
        store.delegate.release("a");

        assertThat(wrap(ConsumeConcurrentlyStatus.CONSUME_SUCCESS).consumeMessage(List.of(withId("a")), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(seen).containsExactly(List.of("a"), List.of("a"));
        assertThat(store.calls).containsExactly("claim a NEW", "release a", "claim a NEW", "done a");
    }

    @Test
    void anExceptionReleasesTheBatchAndReachesRocketMq() {
        MessageListenerConcurrently failing = Idempotent.using(store).concurrently((messages, context) -> {
            throw new IllegalStateException("database down");
        });

        assertThatThrownBy(() -> failing.consumeMessage(List.of(withId("a"), withId("b")), context()))
            .hasMessage("database down");

        assertThat(store.calls).containsExactly("claim a NEW", "claim b NEW", "release a", "release b");
    }

    @Test
    void aMessageAnotherThreadHoldsIsSentBackWithEverythingAfterIt() {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        MessageListenerConcurrently listener = wrap(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        ConsumeConcurrentlyContext context = context();
        ConsumeConcurrentlyStatus status = listener.consumeMessage(
            List.of(withId("a"), withId("b"), withId("held"), withId("c")), context);

        // a and b are acknowledged; RocketMQ sends back held and c.
        assertThat(status).isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(context.getAckIndex()).isEqualTo(1);
        assertThat(seen).containsExactly(List.of("a", "b", "c"));

        // The retry of held and c: c is dropped, held waits until its holder is done.
        ConsumeConcurrentlyContext retry = context();
        assertThat(listener.consumeMessage(List.of(withId("held"), withId("c")), retry))
            .isEqualTo(ConsumeConcurrentlyStatus.RECONSUME_LATER);
        store.delegate.done("held");
        assertThat(listener.consumeMessage(List.of(withId("held"), withId("c")), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aPartialAcknowledgementReleasesTheRestAndMapsTheAckIndexBackToTheBatch() {
        store.delegate.done("dup");
        MessageListenerConcurrently listener = Idempotent.using(store).concurrently((messages, context) -> {
            seen.add(ids(messages));
            context.setAckIndex(0); // only the first message it saw, "a", succeeded
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });

        ConsumeConcurrentlyContext context = context();
        assertThat(listener.consumeMessage(List.of(withId("dup"), withId("a"), withId("b")), context))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        assertThat(seen).containsExactly(List.of("a", "b"));
        assertThat(context.getAckIndex()).as("b is at 2 in the batch").isEqualTo(1);
        assertThat(store.calls).contains("done a", "release b");
        assertThat(store.delegate.claim("b")).isEqualTo(Claim.NEW);
    }

    @Test
    void aBatchOfDuplicatesOnlyNeverReachesTheApplication() {
        store.delegate.done("a");
        store.delegate.done("b");

        ConsumeConcurrentlyContext context = context();
        assertThat(wrap(ConsumeConcurrentlyStatus.RECONSUME_LATER)
            .consumeMessage(List.of(withId("a"), withId("b")), context))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(context.getAckIndex()).isEqualTo(1);
        assertThat(seen).isEmpty();
    }

    @Test
    void namespacesKeepConsumersApartAndCustomKeysReplaceTheMessageId() {
        Idempotent base = Idempotent.using(store);
        MessageListenerConcurrently billing = base.namespace("billing").concurrently((messages, context) -> {
            seen.add(ids(messages));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        MessageListenerConcurrently shipping = base.namespace("shipping").concurrently((messages, context) -> {
            seen.add(ids(messages));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        MessageListenerConcurrently byOrder = base.namespace("orders").key(MessageKey.firstBusinessKey())
            .concurrently((messages, context) -> {
                seen.add(ids(messages));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });

        billing.consumeMessage(List.of(withId("a")), context());
        billing.consumeMessage(List.of(withId("a")), context());
        shipping.consumeMessage(List.of(withId("a")), context());
        MessageExt order = withId("x");
        order.setKeys("order-1 customer-9");
        MessageExt sameOrderResent = withId("y");
        sameOrderResent.setKeys("order-1");
        byOrder.consumeMessage(List.of(order), context());
        byOrder.consumeMessage(List.of(sameOrderResent), context());

        assertThat(seen).containsExactly(List.of("a"), List.of("a"), List.of("x"));
        assertThat(store.calls).contains("done billing:a", "done shipping:a", "done orders:order-1",
            "claim orders:order-1 DONE");
        assertThatThrownBy(() -> base.namespace("a:b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMessageWithoutKeyIsProcessedEveryTime() {
        MessageListenerConcurrently byOrder = Idempotent.using(store).key(MessageKey.firstBusinessKey())
            .concurrently((messages, context) -> {
                seen.add(ids(messages));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });

        byOrder.consumeMessage(List.of(withId("no-keys")), context());
        byOrder.consumeMessage(List.of(withId("no-keys")), context());

        assertThat(seen).containsExactly(List.of("no-keys"), List.of("no-keys"));
        assertThat(store.calls).isEmpty();
    }
}
