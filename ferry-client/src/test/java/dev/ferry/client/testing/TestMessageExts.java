package dev.ferry.client.testing;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/** Delivered messages built in memory, for tests of the wrappers that need no broker. */
public final class TestMessageExts {

    public static final String TOPIC = "orders";

    private TestMessageExts() {
    }

    /**
     * A message of {@link #TOPIC} whose producer gave it the message ID {@code id}; a MessageClientExt, as a
     * consumer receives, whose {@code getMsgId()} is that ID.
     */
    public static MessageExt withId(String id) {
        MessageExt message = new MessageClientExt();
        message.setTopic(TOPIC);
        message.setBody(("body of " + id).getBytes(StandardCharsets.UTF_8));
        MessageAccessor.putProperty(message, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
        return message;
    }
}
