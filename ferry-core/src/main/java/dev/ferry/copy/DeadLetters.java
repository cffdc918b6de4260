package dev.ferry.copy;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.names.FerryNames;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Where a message goes that the target refuses for good (with {@code onError: dead-letter}): a topic of the
 * backup's own on the source cluster, {@code FERRY_DLQ_<backup>}, so copying goes on and nothing is lost.
 *
 * <p>Why the source: the message was accepted there, so the source can hold it; the target just refused it.
 * A dead letter keeps the original body, tags, keys and properties, and says where it was read and why it
 * was refused, so an operator can inspect it with the usual tools and send it again once the target is fixed.
 */
final class DeadLetters implements DeadLetterTopic, AutoCloseable {

    private final String topic;
    private final String targetCluster;
    private final ClusterAdmin sourceAdmin;
    private final DefaultMQProducer producer;
    private volatile boolean topicReady;

    DeadLetters(String backupName, String targetCluster, ClusterAdmin sourceAdmin) {
        this.topic = FerryNames.deadLetterTopic(backupName);
        this.targetCluster = targetCluster;
        this.sourceAdmin = sourceAdmin;
        this.producer = ClusterClients.producer(topic, sourceAdmin.cluster());
        ClusterClients.configure(producer, sourceAdmin.cluster(), "dlq");
    }

    String topic() {
        return topic;
    }

    void start() throws Exception {
        ClusterClients.start(producer, sourceAdmin.cluster(), producer::start);
    }

    @Override
    public String describe() {
        return topic + " on " + sourceAdmin.cluster().name();
    }

    /** Writes the dead letter; throws when the source did not take it (the caller retries). */
    @Override
    public void write(MessageExt refused, String reason) throws Exception {
        if (!topicReady) {
            sourceAdmin.ensureTopic(topic, 1);
            topicReady = true;
        }
        Message letter = PropertyFates.carried(refused, topic);
        MessageAccessor.putProperty(letter, FerryNames.DEAD_LETTER_REASON, reason);
        MessageAccessor.putProperty(letter, FerryNames.DEAD_LETTER_TARGET, targetCluster);
        MessageAccessor.putProperty(letter, FerryNames.SOURCE_TOPIC, refused.getTopic());
        MessageAccessor.putProperty(letter, FerryNames.SOURCE_QUEUE, Integer.toString(refused.getQueueId()));
        MessageAccessor.putProperty(letter, FerryNames.SOURCE_OFFSET, Long.toString(refused.getQueueOffset()));
        producer.send(letter);
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
