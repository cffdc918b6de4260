package dev.ferry.client.consumer;

import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A concurrent listener that passes on only the messages whose key it claimed as new.
 *
 * <p>RocketMQ redelivers the messages of a batch after {@code context.ackIndex} when the status is
 * {@code CONSUME_SUCCESS}, and all of them on {@code RECONSUME_LATER}; there is no way to send back a message
 * in the middle only. So whatever must be retried (a message another thread holds, one the application did not
 * acknowledge) is retried together with everything after it in the batch. Those already done are dropped again
 * on their retry, which is cheap and keeps this listener free of waiting (see {@link Idempotent#concurrently}).
 */
final class IdempotentConcurrentlyListener implements MessageListenerConcurrently {

    private final Idempotent idempotent;
    private final MessageListenerConcurrently listener;

    IdempotentConcurrentlyListener(Idempotent idempotent, MessageListenerConcurrently listener) {
        this.idempotent = idempotent;
        this.listener = listener;
    }

    @Override
    public ConsumeConcurrentlyStatus consumeMessage(List<MessageExt> batch, ConsumeConcurrentlyContext context) {
        BatchClaims claims = new BatchClaims(idempotent.store());
        int firstRetried = -1;
        try {
            for (int i = 0; i < batch.size(); i++) {
                MessageExt message = batch.get(i);
                String key = idempotent.keyOf(message);
                if (key == null) {
                    claims.add(message, null, i);
                    continue;
                }
                switch (idempotent.store().claim(key)) {
                    case NEW -> claims.add(message, key, i);
                    case DONE -> Idempotent.dropped(message, key);
                    case BUSY -> firstRetried = firstRetried < 0 ? i : firstRetried;
                    default -> throw new IllegalStateException("unknown claim");
                }
            }
        } catch (RuntimeException | Error e) {
            claims.releaseAll();
            throw e;
        }

        if (!claims.isEmpty()) {
            ConsumeConcurrentlyStatus status;
            try {
                status = listener.consumeMessage(claims.messages(), context);
            } catch (RuntimeException | Error e) {
                claims.releaseAll();
                throw e;
            }
            if (status != ConsumeConcurrentlyStatus.CONSUME_SUCCESS) {
                claims.releaseAll();
                return status;
            }
            // The context's ackIndex is Integer.MAX_VALUE unless the application set one (relative to the
            // messages it saw): long arithmetic, so that + 1 does not overflow.
            int acknowledged = (int) Math.max(0, Math.min(context.getAckIndex() + 1L, claims.size()));
            claims.doneFirst(acknowledged);
            if (acknowledged < claims.size()) {
                int position = claims.position(acknowledged);
                firstRetried = firstRetried < 0 ? position : Math.min(firstRetried, position);
            }
        }

        if (firstRetried == 0) {
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        }
        context.setAckIndex(firstRetried < 0 ? batch.size() - 1 : firstRetried - 1);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    }
}
