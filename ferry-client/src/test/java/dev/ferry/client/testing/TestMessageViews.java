package dev.ferry.client.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.rocketmq.client.apis.message.MessageId;
import org.apache.rocketmq.client.apis.message.MessageView;

/** Messages as the 5.x gRPC client delivers them, built in memory, for tests of the wrappers that need no proxy. */
public final class TestMessageViews {

    public static final String TOPIC = "orders";

    private TestMessageViews() {
    }

    /** A normal message of {@link #TOPIC} with the message ID {@code id}. */
    public static MessageView withId(String id) {
        return new View(id, Optional.empty(), List.of(), Map.of());
    }

    /** A FIFO message of {@link #TOPIC} in message group {@code group}. */
    public static MessageView inGroup(String id, String group) {
        return new View(id, Optional.of(group), List.of(), Map.of());
    }

    /** A normal message with business keys ({@code MessageBuilder.setKeys}). */
    public static MessageView withKeys(String id, String... keys) {
        return new View(id, Optional.empty(), List.of(keys), Map.of());
    }

    private record View(String id, Optional<String> group, List<String> keys, Map<String, String> properties)
        implements MessageView {

        @Override
        public MessageId getMessageId() {
            return new MessageId() {
                @Override
                public String getVersion() {
                    return "V0";
                }

                @Override
                public String toString() {
                    return id;
                }
            };
        }

        @Override
        public String getTopic() {
            return TOPIC;
        }

        @Override
        public ByteBuffer getBody() {
            return ByteBuffer.wrap(("body of " + id).getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        }

        @Override
        public Map<String, String> getProperties() {
            return properties;
        }

        @Override
        public Optional<String> getTag() {
            return Optional.empty();
        }

        @Override
        public Collection<String> getKeys() {
            return keys;
        }

        @Override
        public Optional<String> getMessageGroup() {
            return group;
        }

        @Override
        public Optional<Long> getDeliveryTimestamp() {
            return Optional.empty();
        }

        @Override
        public String getBornHost() {
            return "127.0.0.1";
        }

        @Override
        public long getBornTimestamp() {
            return 0;
        }

        @Override
        public int getDeliveryAttempt() {
            return 1;
        }
    }

    /** The message ID of {@code view}, as a string. */
    public static String id(MessageView view) {
        return view.getMessageId().toString();
    }
}
