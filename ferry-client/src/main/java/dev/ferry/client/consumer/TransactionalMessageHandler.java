package dev.ferry.client.consumer;

import java.sql.Connection;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Processes one message by writing to the database through {@code connection}, inside the transaction that
 * also marks the message processed ({@link Idempotent#transactionally}). Returning normally commits the writes
 * and the mark together; throwing rolls both back. Do not commit, roll back or close the connection.
 */
@FunctionalInterface
public interface TransactionalMessageHandler {

    void handle(MessageExt message, Connection connection) throws Exception;
}
