package dev.ferry.client.grpc;

import static dev.ferry.client.testing.TestMessageViews.id;
import static dev.ferry.client.testing.TestMessageViews.inGroup;
import static dev.ferry.client.testing.TestMessageViews.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.RecordingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.junit.jupiter.api.Test;

/** The SimpleConsumer helper against a real in-memory store and a consumer that records acks, batches built by hand. */
class SimpleConsumerProcessorTest {

    private final RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
    private final RecordingSimpleConsumer consumer = new RecordingSimpleConsumer();
    private final IdempotentSimpleConsumer idempotent = GrpcIdempotent.using(store).simpleConsumer(consumer);
    private final List<String> seen = new ArrayList<>();

    private void record(MessageView message) {
        seen.add(id(message));
    }

    @Test
    void processesMarksDoneThenAcksAndAcksDuplicatesWithoutProcessing() {
        assertThat(idempotent.process(List.of(withId("a"), withId("b")), this::record))
            .isEqualTo(new ReceiveOutcome(2, 0, 0, 0));
        assertThat(idempotent.process(List.of(withId("b"), withId("c"), withId("a")), this::record))
            .isEqualTo(new ReceiveOutcome(1, 2, 0, 0));

        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(consumer.calls).containsExactly("ack a", "ack b", "ack b", "ack c", "ack a");
        assertThat(store.calls).containsSubsequence("claim a NEW", "done a", "claim b NEW", "done b",
            "claim b DONE", "claim c NEW", "done c", "claim a DONE");
    }

    @Test
    void aFailureIsReleasedAndNotAcknowledgedAndTheRestGoesOn() {
        ReceiveOutcome outcome = idempotent.process(List.of(withId("a"), withId("bad"), withId("c")), message -> {
            if (id(message).equals("bad")) {
                throw new IllegalStateException("database down");
            }
            record(message);
        });

        assertThat(outcome).isEqualTo(new ReceiveOutcome(2, 0, 1, 0));
        assertThat(consumer.calls).containsExactly("ack a", "ack c");
        assertThat(store.calls).contains("release bad");

        // Visible again after its invisible duration: processed then.
        assertThat(idempotent.process(List.of(withId("bad")), this::record)).isEqualTo(new ReceiveOutcome(1, 0, 0, 0));
        assertThat(seen).containsExactly("a", "c", "bad");
    }

    @Test
    void aDuplicateWhoseOriginalIsInProgressIsLeftUnacknowledgedUntilTheOriginalEnds() {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        assertThat(store.delegate.claim("failing")).isEqualTo(Claim.NEW);

        assertThat(idempotent.process(List.of(withId("held"), withId("failing"), withId("c")), this::record))
            .isEqualTo(new ReceiveOutcome(1, 0, 0, 2));
        assertThat(consumer.calls).as("left to come back after their invisible duration").containsExactly("ack c");

        store.delegate.done("held");
        store.delegate.release("failing");
        assertThat(idempotent.process(List.of(withId("held"), withId("failing")), this::record))
            .isEqualTo(new ReceiveOutcome(1, 1, 0, 0));
        assertThat(seen).containsExactly("c", "failing");
        assertThat(consumer.calls).containsExactly("ack c", "ack held", "ack failing");
    }

    @Test
    void aBusyRetryDelayMakesADuplicateInProgressVisibleSooner() {
        IdempotentSimpleConsumer soon = GrpcIdempotent.using(store).simpleConsumer(consumer, Duration.ofSeconds(2));
        store.delegate.claim("held");

        assertThat(soon.process(List.of(withId("held")), this::record)).isEqualTo(new ReceiveOutcome(0, 0, 0, 1));

        assertThat(consumer.calls).containsExactly("invisible held 2s");
        assertThatThrownBy(() -> GrpcIdempotent.using(store).simpleConsumer(consumer, Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFifoMessageNotProcessedHoldsBackTheRestOfItsGroup() {
        store.delegate.claim("g2-held");
        List<MessageView> batch = List.of(
            inGroup("g1-bad", "g1"), inGroup("g2-held", "g2"), inGroup("g3-a", "g3"),
            inGroup("g1-next", "g1"), inGroup("g2-next", "g2"), inGroup("g3-b", "g3"));

        ReceiveOutcome outcome = idempotent.process(batch, message -> {
            if (id(message).equals("g1-bad")) {
                throw new IllegalStateException("cannot apply");
            }
            record(message);
        });

        assertThat(outcome).isEqualTo(new ReceiveOutcome(2, 0, 1, 3));
        assertThat(seen).containsExactly("g3-a", "g3-b");
        assertThat(consumer.calls).containsExactly("ack g3-a", "ack g3-b");
        assertThat(store.calls).as("held back without a claim").noneMatch(call -> call.contains("-next"));
    }

    @Test
    void aFailedAckLeavesTheMessageDoneSoThatItsRedeliveryIsDropped() {
        consumer.failingAcks.add("a");

        assertThat(idempotent.process(List.of(withId("a")), this::record)).isEqualTo(new ReceiveOutcome(1, 0, 0, 0));
        consumer.failingAcks.clear();
        assertThat(idempotent.process(List.of(withId("a")), this::record)).isEqualTo(new ReceiveOutcome(0, 1, 0, 0));

        assertThat(seen).containsExactly("a");
        assertThat(consumer.calls).containsExactly("ack a");
    }

    @Test
    void anInterruptedHandlerLeavesTheRestForARedelivery() {
        ReceiveOutcome outcome = idempotent.process(List.of(withId("a"), withId("b"), withId("c")), message -> {
            if (id(message).equals("b")) {
                throw new InterruptedException("shutting down");
            }
            record(message);
        });

        assertThat(Thread.interrupted()).as("interrupt kept (and cleared here)").isTrue();
        assertThat(outcome).isEqualTo(new ReceiveOutcome(1, 0, 1, 1));
        assertThat(consumer.calls).containsExactly("ack a");
        assertThat(store.delegate.claim("b")).isEqualTo(Claim.NEW);
    }

    @Test
    void aStoreThatCannotBeReadStopsTheBatchWithNothingClaimed() {
        ProcessedMessages memory = ProcessedMessageStores.inMemory().build();
        Set<String> unreadable = Set.of("b");
        ProcessedMessages flaky = new ProcessedMessages() {
            @Override
            public Claim claim(String key) {
                if (unreadable.contains(key)) {
                    throw new IllegalStateException("store unreachable");
                }
                return memory.claim(key);
            }

            @Override
            public void done(String key) {
                memory.done(key);
            }

            @Override
            public void release(String key) {
                memory.release(key);
            }
        };

        assertThatThrownBy(() -> GrpcIdempotent.using(flaky).simpleConsumer(consumer)
            .process(List.of(withId("a"), withId("b"), withId("c")), this::record))
            .hasMessage("store unreachable");

        assertThat(seen).containsExactly("a");
        assertThat(consumer.calls).containsExactly("ack a");
        assertThat(memory.claim("c")).isEqualTo(Claim.NEW);
    }
}
