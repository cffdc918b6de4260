package dev.ferry.client.grpc;

import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * Processes one message a {@code SimpleConsumer} received; returning normally means it was processed successfully,
 * may be marked done and acknowledged.
 */
@FunctionalInterface
public interface MessageViewHandler {

    void handle(MessageView message) throws Exception;
}
