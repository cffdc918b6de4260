package dev.ferry.cluster;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * One pull of a broker's system topic ({@code SCHEDULE_TOPIC_XXXX}, {@code rmq_sys_wheel_timer}) at a given master, as
 * a link's group, committing nothing: for the figures of what a source holds not yet due ({@link PendingDelays},
 * {@link TimerWatch}). The group subscribes to no such topic: the subscription comes with the request.
 *
 * @param messages what the pull found, in offset order (empty at the queue's end)
 * @param next     where the next pull goes on from
 */
record MasterPull(List<MessageExt> messages, long next) {

    /**
     * Up to {@code max} messages of the queue from {@code offset}; their bodies only when {@code bodies}.
     *
     * @throws IllegalStateException when the master refuses (ACL without Sub on the topic)
     */
    static MasterPull pull(MQClientAPIImpl api, String master, String group, String topic, int queueId, long offset,
                           int max, boolean bodies, long timeoutMillis) throws Exception {
        PullResult result = api.pullMessage(master, PlainPull.header(group, topic, queueId, offset, max),
            timeoutMillis, CommunicationMode.SYNC, null);
        if (result.getPullStatus() != PullStatus.FOUND) {
            return new MasterPull(List.of(), result.getNextBeginOffset());
        }
        if (!(result instanceof PullResultExt found)) {
            throw new IllegalStateException(master + " answered a pull of " + topic + " without its messages");
        }
        return new MasterPull(MessageDecoder.decodes(ByteBuffer.wrap(found.getMessageBinary()), bodies),
            result.getNextBeginOffset());
    }
}
