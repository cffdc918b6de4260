package dev.ferry.client;

import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What identifies a message for deduplication: two deliveries with the same key are the same message.
 *
 * <p>The default, {@link #messageId()}, is right for Ferry: a copy keeps the message ID of its original in every
 * region, and so does a redelivery. A business key serves when the same business event may be sent twice
 * as two messages (a producer retrying after a timeout with a fresh message, say).
 */
@FunctionalInterface
public interface MessageKey {

    /**
     * The key of {@code message}, or null (or empty) if it has none: such a message is processed every time it
     * is delivered, without deduplication.
     */
    String of(MessageExt message);

    /**
     * The message ID a producer gave the message ({@code UNIQ_KEY}), which Ferry keeps on every copy; for a
     * message without one (sent by a very old client, say), the broker's offset message ID.
     */
    static MessageKey messageId() {
        return message -> {
            String id = MessageClientIDSetter.getUniqID(message);
            return id != null && !id.isEmpty() ? id : message.getMsgId();
        };
    }

    /** The first of the message's business keys ({@code Message.setKeys}); none if it has no keys. */
    static MessageKey firstBusinessKey() {
        return message -> {
            String keys = message.getKeys();
            if (keys == null) {
                return null;
            }
            for (String key : keys.split(MessageConst.KEY_SEPARATOR)) {
                if (!key.isEmpty()) {
                    return key;
                }
            }
            return null;
        };
    }

    /** The value of the user property {@code name}; none if the message does not carry it. */
    static MessageKey userProperty(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property name must not be empty");
        }
        return message -> message.getUserProperty(name);
    }
}
