package dev.ferry.client.consumer;

import org.apache.rocketmq.common.message.MessageExt;

/** Processes one message; returning normally means it was processed successfully and may be marked done. */
@FunctionalInterface
public interface MessageHandler {

    void handle(MessageExt message) throws Exception;
}
