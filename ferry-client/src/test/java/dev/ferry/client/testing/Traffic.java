package dev.ferry.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Sends numbered messages, then duplicates of some of them: new messages carrying an earlier message's ID, as
 * Ferry's re-copy after a crash or failover produces them.
 */
public final class Traffic implements AutoCloseable {

    /** The user property that numbers the messages {@link #send} sends. */
    public static final String SEQ = "seq";

    /** The body of the duplicate {@link #sendDuplicates} sends of {@code id}. */
    public static String duplicateBody(String id) {
        return "duplicate of " + id;
    }

    private final DefaultMQProducer producer;

    public Traffic(String namesrvAddr) throws Exception {
        producer = new DefaultMQProducer("client-test-producer");
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName("client-test-producer-" + UUID.randomUUID());
        producer.setSendMsgTimeout(10_000);
        producer.start();
    }

    /**
     * Sends {@code count} messages round-robin over the topic's queues, in batches; returns their IDs, the
     * {@code i}-th that of the message whose user property {@code seq} is {@code i}.
     */
    public List<String> send(String topic, int count) throws Exception {
        List<MessageQueue> queues = queues(topic);
        List<List<Message>> batches = new ArrayList<>();
        for (int q = 0; q < queues.size(); q++) {
            batches.add(new ArrayList<>());
        }
        List<Message> messages = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            Message message = new Message(topic, "tag", "order-" + seq, ("message #" + seq).getBytes(StandardCharsets.UTF_8));
            message.putUserProperty(SEQ, Integer.toString(seq));
            batches.get(seq % queues.size()).add(message);
            messages.add(message);
        }
        for (int q = 0; q < queues.size(); q++) {
            if (batches.get(q).isEmpty()) {
                continue;
            }
            SendResult result = producer.send(batches.get(q), queues.get(q));
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        }
        // The producer set each message's ID as it sent it.
        List<String> ids = messages.stream()
            .map(message -> message.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).toList();
        assertThat(ids).hasSize(count).doesNotHaveDuplicates().doesNotContainNull();
        return ids;
    }

    /**
     * Sends a second message with each of {@code ids}, spread round-robin over the topic's queues: most land on
     * another queue than their original, so that the two may be consumed at the same time by two threads.
     */
    public void sendDuplicates(String topic, List<String> ids) throws Exception {
        List<MessageQueue> queues = queues(topic);
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Message duplicate = new Message(topic, "tag", duplicateBody(id).getBytes(StandardCharsets.UTF_8));
            MessageAccessor.putProperty(duplicate, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
            SendResult result = producer.send(duplicate, queues.get(i % queues.size()));
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            // The producer keeps a message ID that is already set rather than making a new one.
            assertThat(result.getMsgId()).isEqualTo(id);
        }
    }

    private List<MessageQueue> queues(String topic) throws Exception {
        List<MessageQueue> queues = producer.fetchPublishMessageQueues(topic);
        queues.sort(MessageQueue::compareTo);
        return queues;
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
