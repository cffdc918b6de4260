package dev.ferry.client.consumer;

import static dev.ferry.client.testing.TestMessageExts.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.client.Claim;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.RecordingStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/** The lite-pull helper against a real in-memory store. */
class LitePullProcessorTest {

    private final RecordingStore store = new RecordingStore(ProcessedMessageStores.inMemory().build());
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @Test
    void handlesNewMessagesInOrderOnceAndCountsDuplicates() {
        IdempotentLitePull idempotent = Idempotent.using(store).litePull();

        BatchOutcome first = idempotent.process(List.of(withId("a"), withId("b"), withId("a")),
            message -> handled.add(message.getMsgId()));
        BatchOutcome second = idempotent.process(List.of(withId("b"), withId("c")),
            message -> handled.add(message.getMsgId()));

        assertThat(first).isEqualTo(new BatchOutcome(2, 1));
        assertThat(second).isEqualTo(new BatchOutcome(1, 1));
        assertThat(handled).containsExactly("a", "b", "c");
    }

    @Test
    void aFailingHandlerStopsTheBatchAndLeavesTheMessageForARetry() {
        IdempotentLitePull idempotent = Idempotent.using(store).litePull();
        List<MessageExt> batch = List.of(withId("a"), withId("bad"), withId("c"));

        assertThatThrownBy(() -> idempotent.process(batch, message -> {
            if (message.getMsgId().equals("bad")) {
                throw new java.io.IOException("disk full");
            }
            handled.add(message.getMsgId());
        }))
            .isInstanceOfSatisfying(MessageNotProcessedException.class, e -> {
                assertThat(e.message().getMsgId()).isEqualTo("bad");
                assertThat(e.before()).isEqualTo(new BatchOutcome(1, 0));
                assertThat(e).hasCauseInstanceOf(java.io.IOException.class);
            });
        assertThat(handled).containsExactly("a");

        BatchOutcome retry = idempotent.process(batch, message -> handled.add(message.getMsgId()));
        assertThat(retry).isEqualTo(new BatchOutcome(2, 1));
        assertThat(handled).containsExactly("a", "bad", "c");
    }

    @Test
    void waitsForAMessageAnotherThreadHoldsThenProcessesItIfThatThreadReleasedIt() throws Exception {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        IdempotentLitePull idempotent = Idempotent.using(store).litePull(Duration.ofMinutes(1));

        CompletableFuture<BatchOutcome> outcome = CompletableFuture.supplyAsync(() ->
            idempotent.process(List.of(withId("held")), message -> handled.add(message.getMsgId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count("claim held BUSY") >= 2);
        assertThat(outcome).isNotDone();

        store.delegate.release("held");
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(new BatchOutcome(1, 0));
        assertThat(handled).containsExactly("held");
    }

    @Test
    void waitsForAMessageAnotherThreadHoldsThenDropsItIfThatThreadFinishedIt() throws Exception {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        IdempotentLitePull idempotent = Idempotent.using(store).litePull(Duration.ofMinutes(1));

        CompletableFuture<BatchOutcome> outcome = CompletableFuture.supplyAsync(() ->
            idempotent.process(List.of(withId("held")), message -> handled.add(message.getMsgId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count("claim held BUSY") >= 2);

        store.delegate.done("held");
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(new BatchOutcome(0, 1));
        assertThat(handled).isEmpty();
    }

    @Test
    void givesUpOnAMessageHeldLongerThanTheBusyWait() {
        assertThat(store.delegate.claim("held")).isEqualTo(Claim.NEW);
        IdempotentLitePull idempotent = Idempotent.using(store).litePull(Duration.ZERO);

        assertThatThrownBy(() -> idempotent.process(List.of(withId("a"), withId("held")),
            message -> handled.add(message.getMsgId())))
            .isInstanceOfSatisfying(MessageNotProcessedException.class, e -> {
                assertThat(e.message().getMsgId()).isEqualTo("held");
                assertThat(e.before()).isEqualTo(new BatchOutcome(1, 0));
                assertThat(e.getCause()).isNull();
            });
        assertThat(handled).containsExactly("a");
    }
}
