package dev.ferry.client.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * A SimpleConsumer that only records what the helper settles: acks and changes of invisible duration. Receiving is
 * the test's business (it hands the helper the list), so the rest of the interface is unsupported.
 */
final class RecordingSimpleConsumer implements SimpleConsumer {

    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Acks of these message IDs fail, as with an expired receipt handle. */
    final List<String> failingAcks = new CopyOnWriteArrayList<>();

    @Override
    public void ack(MessageView message) throws ClientException {
        String id = message.getMessageId().toString();
        if (failingAcks.contains(id)) {
            throw new ClientException("receipt handle expired");
        }
        calls.add("ack " + id);
    }

    @Override
    public void changeInvisibleDuration(MessageView message, Duration invisibleDuration) {
        calls.add("invisible " + message.getMessageId() + " " + invisibleDuration.toSeconds() + "s");
    }

    @Override
    public String getConsumerGroup() {
        return "orders-app";
    }

    @Override
    public SimpleConsumer subscribe(String topic, FilterExpression filterExpression) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SimpleConsumer unsubscribe(String topic) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, FilterExpression> getSubscriptionExpressions() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<MessageView> receive(int maxMessageNum, Duration invisibleDuration) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<MessageView>> receiveAsync(int maxMessageNum, Duration invisibleDuration) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> ackAsync(MessageView messageView) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> changeInvisibleDurationAsync(MessageView messageView, Duration invisibleDuration) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
