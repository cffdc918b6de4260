package dev.ferry.client.grpc;

import static dev.ferry.client.testing.TestMessageViews.id;
import static dev.ferry.client.testing.TestMessageViews.withId;
import static dev.ferry.client.testing.TestMessageViews.withKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.consumer.Idempotent;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.RecordingStore;
import dev.ferry.client.testing.TestMessageExts;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/** The push consumer's listener wrapper against a real in-memory store, with messages built by hand. */
class IdempotentMessageListenerTest {

    private final RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
    private final List<String> seen = new ArrayList<>();

    private MessageListener wrap(ConsumeResult result) {
        return GrpcIdempotent.using(store).listener(message -> {
            seen.add(id(message));
            return result;
        });
    }

    @Test
    void successMarksDoneAndADuplicateIsAcknowledgedWithoutReachingTheListener() {
        MessageListener listener = wrap(ConsumeResult.SUCCESS);

        assertThat(listener.consume(withId("a"))).isEqualTo(ConsumeResult.SUCCESS);
        assertThat(listener.consume(withId("a"))).isEqualTo(ConsumeResult.SUCCESS);
        assertThat(listener.consume(withId("b"))).isEqualTo(ConsumeResult.SUCCESS);

        assertThat(seen).containsExactly("a", "b");
        assertThat(store.calls).containsExactly("claim a NEW", "done a", "claim a DONE", "claim b NEW", "done b");
    }

    @Test
    void failureReleasesSoThatTheRetryIsProcessed() {
        assertThat(wrap(ConsumeResult.FAILURE).consume(withId("a"))).isEqualTo(ConsumeResult.FAILURE);
        assertThat(wrap(ConsumeResult.SUCCESS).consume(withId("a"))).isEqualTo(ConsumeResult.SUCCESS);

        assertThat(seen).containsExactly("a", "a");
        assertThat(store.calls).containsExactly("claim a NEW", "release a", "claim a NEW", "done a");
    }

    @Test
    void nullIsAFailure() {
        assertThat(wrap(null).consume(withId("a"))).isEqualTo(ConsumeResult.FAILURE);

        assertThat(store.calls).containsExactly("claim a NEW", "release a");
    }

    @Test
    void anExceptionReleasesAndReachesTheClient() {
        MessageListener failing = GrpcIdempotent.using(store).listener(message -> {
            throw new IllegalStateException("database down");
        });

        assertThatThrownBy(() -> failing.consume(withId("a"))).hasMessage("database down");

        assertThat(store.calls).containsExactly("claim a NEW", "release a");
        assertThat(store.delegate.claim("a")).isEqualTo(Claim.NEW);
    }

    @Test
    void aDuplicateWhoseOriginalIsInProgressFailsUntilTheOriginalEnds() {
        MessageListener listener = wrap(ConsumeResult.SUCCESS);
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        assertThat(store.delegate.claim("failing")).isEqualTo(Claim.NEW);

        // Neither processed at the same time nor dropped: retried by the client.
        assertThat(listener.consume(withId("held"))).isEqualTo(ConsumeResult.FAILURE);
        assertThat(listener.consume(withId("failing"))).isEqualTo(ConsumeResult.FAILURE);
        assertThat(seen).isEmpty();

        // The retries: dropped where the original succeeded, processed where it failed.
        store.delegate.done("held");
        store.delegate.release("failing");
        assertThat(listener.consume(withId("held"))).isEqualTo(ConsumeResult.SUCCESS);
        assertThat(listener.consume(withId("failing"))).isEqualTo(ConsumeResult.SUCCESS);
        assertThat(seen).containsExactly("failing");
    }

    @Test
    void aStoreThatCannotMarkDoneStillAcknowledgesAndReleases() {
        ProcessedMessages memory = ProcessedMessageStores.inMemory().build();
        ProcessedMessages cannotWrite = new ProcessedMessages() {
            @Override
            public Claim claim(String key) {
                return memory.claim(key);
            }

            @Override
            public void done(String key) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void release(String key) {
                memory.release(key);
            }
        };
        MessageListener listener = GrpcIdempotent.using(cannotWrite).listener(message -> ConsumeResult.SUCCESS);

        assertThat(listener.consume(withId("a"))).as("processed: not redelivered at once").isEqualTo(ConsumeResult.SUCCESS);
        assertThat(memory.claim("a")).as("not left claimed").isEqualTo(Claim.NEW);
    }

    @Test
    void namespacedKeysAreTheRemotingWrappersKeys() {
        // A message processed by a remoting consumer in namespace billing...
        Idempotent.using(store).namespace("billing")
            .concurrently((messages, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
            .consumeMessage(List.of(TestMessageExts.withId("a")),
                new ConsumeConcurrentlyContext(new MessageQueue("orders", "broker-a", 0)));
        GrpcIdempotent base = GrpcIdempotent.using(store);
        MessageListener billing = base.namespace("billing").listener(message -> {
            seen.add("billing " + id(message));
            return ConsumeResult.SUCCESS;
        });
        MessageListener shipping = base.namespace("shipping").listener(message -> {
            seen.add("shipping " + id(message));
            return ConsumeResult.SUCCESS;
        });

        // ...is a duplicate to a gRPC consumer in the same namespace, new to one in another.
        billing.consume(withId("a"));
        shipping.consume(withId("a"));

        assertThat(seen).containsExactly("shipping a");
        assertThat(store.calls).contains("done billing:a", "claim billing:a DONE", "done shipping:a");
        assertThatThrownBy(() -> base.namespace("a:b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBusinessKeyReplacesTheMessageIdAndAMessageWithoutKeyIsProcessedEveryTime() {
        MessageListener byOrder = GrpcIdempotent.using(store).key(MessageViewKey.firstBusinessKey())
            .listener(message -> {
                seen.add(id(message));
                return ConsumeResult.SUCCESS;
            });

        byOrder.consume(withKeys("x", "order-1", "customer-9"));
        byOrder.consume(withKeys("y", "order-1"));
        byOrder.consume(withId("no-keys"));
        byOrder.consume(withId("no-keys"));

        assertThat(seen).containsExactly("x", "no-keys", "no-keys");
        assertThat(store.calls).containsExactly("claim order-1 NEW", "done order-1", "claim order-1 DONE");
    }
}
