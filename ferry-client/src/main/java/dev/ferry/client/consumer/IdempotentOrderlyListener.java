package dev.ferry.client.consumer;

import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * An orderly listener that passes on, in queue order, the messages whose key it claimed as new.
 *
 * <p>Order is the invariant: the application never sees a message before one that precedes it in the queue
 * and is still unresolved. So claiming stops at the first message another thread holds; the messages before
 * it are processed, then the queue is suspended and the whole batch retried, which RocketMQ does locally and
 * in order. On the retry the processed ones are found done and dropped.
 */
final class IdempotentOrderlyListener implements MessageListenerOrderly {

    private final Idempotent idempotent;
    private final MessageListenerOrderly listener;

    IdempotentOrderlyListener(Idempotent idempotent, MessageListenerOrderly listener) {
        this.idempotent = idempotent;
        this.listener = listener;
    }

    @Override
    @SuppressWarnings("deprecation") // COMMIT: still what an orderly listener with autoCommit off returns
    public ConsumeOrderlyStatus consumeMessage(List<MessageExt> batch, ConsumeOrderlyContext context) {
        BatchClaims claims = new BatchClaims(idempotent.store());
        boolean stoppedAtBusy = false;
        try {
            for (int i = 0; i < batch.size() && !stoppedAtBusy; i++) {
                MessageExt message = batch.get(i);
                String key = idempotent.keyOf(message);
                if (key == null) {
                    claims.add(message, null, i);
                    continue;
                }
                switch (idempotent.store().claim(key)) {
                    case NEW -> claims.add(message, key, i);
                    case DONE -> Idempotent.dropped(message, key);
                    case BUSY -> stoppedAtBusy = true;
                    default -> throw new IllegalStateException("unknown claim");
                }
            }
        } catch (RuntimeException | Error e) {
            claims.releaseAll();
            throw e;
        }

        ConsumeOrderlyStatus status = ConsumeOrderlyStatus.SUCCESS;
        if (!claims.isEmpty()) {
            try {
                status = listener.consumeMessage(claims.messages(), context);
            } catch (RuntimeException | Error e) {
                claims.releaseAll();
                throw e;
            }
            if (status != ConsumeOrderlyStatus.SUCCESS && status != ConsumeOrderlyStatus.COMMIT) {
                claims.releaseAll();
                return status;
            }
            claims.doneAll();
        }
        return stoppedAtBusy ? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT : status;
    }
}
