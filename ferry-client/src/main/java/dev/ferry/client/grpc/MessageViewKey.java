package dev.ferry.client.grpc;

import java.util.Map;
import org.apache.rocketmq.client.apis.message.MessageId;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * What identifies a message the 5.x gRPC client delivered: two deliveries with the same key are the same message.
 * The counterpart of {@link dev.ferry.client.MessageKey}, which reads the remoting client's {@code MessageExt}.
 *
 * <p>The default, {@link #messageId()}, is right for Ferry: {@code MessageView.getMessageId()} is the message's
 * {@code UNIQ_KEY}, the ID its producer gave it, which Ferry keeps on every copy and which the remoting wrappers
 * key on too; so both clients' wrappers agree on a shared store.
 */
@FunctionalInterface
public interface MessageViewKey {

    /**
     * The key of {@code message}, or null (or empty) if it has none: such a message is processed every time it is
     * delivered, without deduplication.
     */
    String of(MessageView message);

    /**
     * The message ID ({@code UNIQ_KEY}): what the proxy hands the client as the message ID is the stored
     * {@code UNIQ_KEY} (or the broker's offset message ID for a message without one), as
     * {@link dev.ferry.client.MessageKey#messageId()} reads it from a {@code MessageExt}.
     */
    static MessageViewKey messageId() {
        return message -> {
            MessageId id = message.getMessageId();
            return id == null ? null : id.toString();
        };
    }

    /** The first of the message's business keys ({@code MessageBuilder.setKeys}); none if it has no keys. */
    static MessageViewKey firstBusinessKey() {
        return message -> message.getKeys().stream().filter(key -> key != null && !key.isEmpty()).findFirst()
            .orElse(null);
    }

    /** The value of the user property {@code name}; none if the message does not carry it. */
    static MessageViewKey userProperty(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property name must not be empty");
        }
        return message -> {
            Map<String, String> properties = message.getProperties();
            return properties == null ? null : properties.get(name);
        };
    }
}
