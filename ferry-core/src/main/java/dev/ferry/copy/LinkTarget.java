package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A link's target as its copier sees it: the topic and queue of each copy ({@link TargetTopics}), the producer
 * that sends them ({@link TargetSender}), and the largest batch the target's brokers take. Every batch the target
 * acknowledges tells the {@link TargetProbe} that it answers.
 */
final class LinkTarget implements CopyTarget, AutoCloseable {

    /** Headroom under the target's maxMessageSize for the batch's own framing. */
    private static final int BATCH_HEADROOM_BYTES = 16 * 1024;

    private final ClusterAdmin targetAdmin;
    private final TargetTopics topics;
    private final TargetSender sender;
    private final TargetProbe probe;
    private final int batchBytes;
    private volatile int maxBatchBytes;

    LinkTarget(ClusterAdmin targetAdmin, TargetTopics topics, TargetSender sender, TargetProbe probe,
               int batchBytes) {
        this.targetAdmin = targetAdmin;
        this.topics = topics;
        this.sender = sender;
        this.probe = probe;
        this.batchBytes = batchBytes;
        this.maxBatchBytes = batchBytes;
    }

    /** Lowers the batch limit to what the target's brokers take; asks the target. */
    void learnLimits() throws Exception {
        maxBatchBytes = Math.max(1, Math.min(batchBytes, targetAdmin.brokers().maxMessageSize() - BATCH_HEADROOM_BYTES));
    }

    void start() throws Exception {
        sender.start();
    }

    /** What an operator should align on the target's topics by hand ({@link TargetTopics}). */
    List<String> warnings() {
        return topics.warnings();
    }

    @Override
    public String cluster() {
        return targetAdmin.cluster().name();
    }

    @Override
    public String topicFor(String sourceTopic) {
        return topics.targetTopic(sourceTopic);
    }

    @Override
    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    @Override
    public SendResult send(Message batch, int count, MessageQueue source)
        throws TargetSender.Unsent, TargetSender.Refused {
        SendResult result = sender.send(batch, count, source, new TargetSender.QueueResolver() {
            @Override
            public MessageQueue resolve() throws Exception {
                return topics.targetFor(source);
            }

            @Override
            public void refresh() {
                topics.refresh(source.getTopic());
            }
        });
        probe.answered(result.getMessageQueue().getBrokerName());
        return result;
    }

    @Override
    public void settled(MessageQueue source) {
        sender.recovered(source);
    }

    /** Forgets the send troubles of queues this process no longer holds. */
    void forgetAllBut(Set<MessageQueue> held) {
        sender.forgetAllBut(held);
    }

    @Override
    public void close() {
        sender.close();
    }
}
