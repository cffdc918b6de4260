package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The raw relay copies what it reads faithfully, though it never decodes it: each copy has its source's body, tag,
 * keys, user properties and message ID, lands in the same queue number, and carries Ferry's stamp with its source's
 * queue, offset and store time. The floor it sets for the benchmark is only worth something if it does the work.
 */
class RawRelayTest {

    private static final String TOPIC = "raw-relay";
    private static final int QUEUES = 4;
    private static final int MESSAGES = 600;

    @Test
    void copiesEveryMessageWithItsBodyPropertiesAndStampIntoTheSameQueue() throws Exception {
        EmbeddedCluster source = EmbeddedCluster.builder("DefaultCluster").start();
        EmbeddedCluster target = EmbeddedCluster.builder("DefaultCluster").start();
        // RocketMQ's shutdown pauses for seconds: the next class runs meanwhile.
        try (AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(source, target)) {
            source.createTopic(TOPIC, QUEUES);
            target.createTopic(TOPIC, QUEUES);
            produce(source.namesrvAddr());
            List<MessageExt> sources = TopicReader.readAll(source.namesrvAddr(), TOPIC, MESSAGES);

            try (RawRelay relay = new RawRelay()) {
                relay.start(source.namesrvAddr(), TOPIC, target.namesrvAddr(), TOPIC);
                await().atMost(Duration.ofSeconds(60)).until(() -> relay.relayed.get() >= MESSAGES
                    || relay.failure() != null);
                assertThat(relay.failure()).isNull();
                assertThat(relay.relayed.get()).isEqualTo(MESSAGES);
            }

            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), TOPIC, MESSAGES);
            assertThat(copies).hasSize(MESSAGES);
            Map<String, MessageExt> byId = sources.stream()
                .collect(Collectors.toMap(MessageExt::getMsgId, Function.identity()));
            for (MessageExt copy : copies) {
                MessageExt original = byId.get(copy.getMsgId());
                assertThat(original).as("the source message of copy %s", copy.getMsgId()).isNotNull();
                assertThat(copy.getBody()).isEqualTo(original.getBody());
                assertThat(copy.getTags()).isEqualTo(original.getTags());
                assertThat(copy.getKeys()).isEqualTo(original.getKeys());
                assertThat(copy.getUserProperty("seq")).isEqualTo(original.getUserProperty("seq"));
                assertThat(copy.getQueueId()).isEqualTo(original.getQueueId());
                assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("source");
                assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("source");
                assertThat(copy.getUserProperty(FerryNames.SOURCE_TOPIC)).isEqualTo(TOPIC);
                assertThat(copy.getUserProperty(FerryNames.SOURCE_BROKER)).isEqualTo(source.brokerName());
                assertThat(copy.getUserProperty(FerryNames.SOURCE_QUEUE))
                    .isEqualTo(Integer.toString(original.getQueueId()));
                assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET))
                    .isEqualTo(Long.toString(original.getQueueOffset()));
                assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME))
                    .isEqualTo(Long.toString(original.getStoreTimestamp()));
            }
        }
    }

    /** Batches of 50 per queue, round-robin; each message with a tag, a key and a user property. */
    private static void produce(String namesrv) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("raw-relay-test");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("raw-relay-test-" + ProcessHandle.current().pid());
        producer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>(producer.fetchPublishMessageQueues(TOPIC));
            queues.sort(MessageQueue::compareTo);
            for (int first = 0; first < MESSAGES; first += 50) {
                List<Message> batch = new ArrayList<>();
                for (int seq = first; seq < first + 50; seq++) {
                    Message message = new Message(TOPIC, "tag-" + seq % 3, "key-" + seq,
                        ("body " + seq + " ".repeat(seq % 200)).getBytes(StandardCharsets.UTF_8));
                    message.putUserProperty("seq", Integer.toString(seq));
                    batch.add(message);
                }
                producer.send(batch, queues.get(first / 50 % queues.size()));
            }
        } finally {
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
    }
}
