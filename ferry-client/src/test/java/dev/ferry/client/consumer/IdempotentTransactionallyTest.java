package dev.ferry.client.consumer;

import static dev.ferry.client.testing.TestMessageExts.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.client.store.JdbcProcessedMessages;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.client.testing.TestPostgres;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Idempotent#transactionally}: each message's write and mark in one transaction, batches built by hand. */
class IdempotentTransactionallyTest {

    private final String effects = TestPostgres.uniqueName("effects");
    private final JdbcProcessedMessages store = ProcessedMessageStores.jdbc(TestPostgres.dataSource())
        .table(TestPostgres.uniqueName("processed")).scheduledCleanup(false).build();
    private final List<String> handled = new ArrayList<>();

    IdempotentTransactionallyTest() {
        TestPostgres.execute("CREATE TABLE " + effects + " (message_key VARCHAR(255) NOT NULL)");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Writes one row per message it handles; throws for the IDs in {@code failing}, after writing. */
    private MessageListenerConcurrently listener(Idempotent idempotent, Set<String> failing) {
        return idempotent.transactionally((message, connection) -> {
            handled.add(message.getMsgId());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + effects + " VALUES (?)")) {
                insert.setString(1, message.getMsgId());
                insert.executeUpdate();
            }
            if (failing.contains(message.getMsgId())) {
                throw new IOException("cannot reach the ledger for " + message.getMsgId());
            }
        });
    }

    private static ConsumeConcurrentlyContext context() {
        return new ConsumeConcurrentlyContext(new MessageQueue("orders", "broker-a", 0));
    }

    private static List<MessageExt> batch(String... ids) {
        return List.of(ids).stream().map(id -> withId(id)).toList();
    }

    private long effects() {
        return TestPostgres.queryLong("SELECT count(*) FROM " + effects);
    }

    @Test
    void processesEachMessageOnceAndDropsItsRedelivery() {
        MessageListenerConcurrently listener = listener(Idempotent.using(store), Set.of());

        assertThat(listener.consumeMessage(batch("a", "b", "c"), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(listener.consumeMessage(batch("c", "b", "a", "d"), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        assertThat(handled).containsExactly("a", "b", "c", "d");
        assertThat(effects()).isEqualTo(4);
    }

    @Test
    void aFailingMessageIsRolledBackAndRetriedWithTheOnesAfterItWhileTheOnesBeforeItStayCommitted() {
        ConsumeConcurrentlyContext context = context();
        assertThat(listener(Idempotent.using(store), Set.of("b")).consumeMessage(batch("a", "b", "c"), context))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(context.getAckIndex()).as("only a acknowledged").isZero();
        assertThat(effects()).as("a's write only: b's rolled back, c not reached").isEqualTo(1);

        assertThat(listener(Idempotent.using(store), Set.of("b")).consumeMessage(batch("b", "c"), context()))
            .as("failing at the first message").isEqualTo(ConsumeConcurrentlyStatus.RECONSUME_LATER);
        assertThat(listener(Idempotent.using(store), Set.of()).consumeMessage(batch("b", "c"), context()))
            .isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);

        assertThat(handled).containsExactly("a", "b", "b", "b", "c");
        assertThat(effects()).isEqualTo(3);
    }

    @Test
    void namespacesKeepTwoConsumerGroupsApart() {
        listener(Idempotent.using(store).namespace("billing"), Set.of()).consumeMessage(batch("a"), context());
        listener(Idempotent.using(store).namespace("shipping"), Set.of()).consumeMessage(batch("a"), context());
        listener(Idempotent.using(store).namespace("billing"), Set.of()).consumeMessage(batch("a"), context());

        assertThat(effects()).isEqualTo(2);
    }

    @Test
    void aStoreThatCannotMarkInATransactionIsRefused() {
        assertThatThrownBy(() -> Idempotent.using(ProcessedMessageStores.inMemory().build())
            .transactionally((message, connection) -> { }))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ProcessedMessageStores.jdbc");
    }
}
