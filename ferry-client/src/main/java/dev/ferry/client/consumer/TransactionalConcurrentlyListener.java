package dev.ferry.client.consumer;

import dev.ferry.client.ProcessedInTransaction;
import dev.ferry.client.ProcessedInTransaction.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A concurrent listener that processes each message of a batch in a transaction of its own, together with its
 * mark ({@link ProcessedInTransaction}).
 *
 * <p>One transaction per message, not per batch: a failing message then costs only its own rollback, and the
 * messages before it stay committed. The batch is acknowledged up to the message before the first one that was
 * not processed (failed, or held by a claim elsewhere); RocketMQ redelivers from there, and the messages after it
 * that did commit are found done on the redelivery and dropped.
 */
final class TransactionalConcurrentlyListener implements MessageListenerConcurrently {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalConcurrentlyListener.class);

    private final Idempotent idempotent;
    private final ProcessedInTransaction store;
    private final TransactionalMessageHandler handler;

    TransactionalConcurrentlyListener(Idempotent idempotent, ProcessedInTransaction store,
        TransactionalMessageHandler handler) {
        this.idempotent = idempotent;
        this.store = store;
        this.handler = handler;
    }

    @Override
    public ConsumeConcurrentlyStatus consumeMessage(List<MessageExt> batch, ConsumeConcurrentlyContext context) {
        for (int i = 0; i < batch.size(); i++) {
            MessageExt message = batch.get(i);
            String key = idempotent.keyOf(message);
            Outcome outcome;
            try {
                outcome = store.processOnce(key, connection -> handle(message, connection));
            } catch (SQLException | RuntimeException e) {
                Throwable cause = e instanceof HandlerFailure ? e.getCause() : e;
                LOG.warn("Message {} (topic {}, queue {}, offset {}) not processed, rolled back; RocketMQ delivers it"
                    + " again: {}", key, message.getTopic(), message.getQueueId(), message.getQueueOffset(),
                    cause.toString(), cause);
                return retryFrom(i, context);
            }
            if (outcome == Outcome.DUPLICATE) {
                Idempotent.dropped(message, key);
            } else if (outcome == Outcome.BUSY) {
                return retryFrom(i, context);
            }
        }
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    }

    private void handle(MessageExt message, Connection connection) throws SQLException {
        try {
            handler.handle(message, connection);
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandlerFailure(e);
        } catch (Exception e) {
            throw new HandlerFailure(e);
        }
    }

    /** Acknowledges the messages before {@code index}; RocketMQ redelivers it and the ones after it. */
    private static ConsumeConcurrentlyStatus retryFrom(int index, ConsumeConcurrentlyContext context) {
        if (index == 0) {
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        }
        context.setAckIndex(index - 1);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    }

    /** Carries a checked exception of the handler through the store's work, which may throw SQLException only. */
    private static final class HandlerFailure extends RuntimeException {

        HandlerFailure(Exception cause) {
            super(cause);
        }
    }
}
