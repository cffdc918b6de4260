package dev.ferry.cluster;

import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;

/**
 * The request of a pull outside any consumer's flow: PULL_MESSAGE, which every RocketMQ version knows, committing
 * nothing, answered at once rather than held at the broker, with the whole queue ({@code *}) as the subscription,
 * which comes with the request (the group subscribes to nothing). What {@link MasterPull} sends for a system topic's
 * due times, and the benchmark's raw relay for a queue's stored bytes.
 */
public final class PlainPull {

    private PlainPull() {
    }

    /** Up to {@code max} messages of queue {@code queueId} of {@code topic} from {@code offset}, as {@code group}. */
    public static PullMessageRequestHeader header(String group, String topic, int queueId, long offset, int max) {
        PullMessageRequestHeader header = new PullMessageRequestHeader();
        header.setConsumerGroup(group);
        header.setTopic(topic);
        header.setQueueId(queueId);
        header.setQueueOffset(offset);
        header.setMaxMsgNums(max);
        header.setSysFlag(PullSysFlag.buildSysFlag(false, false, true, false));
        header.setCommitOffset(0L);
        header.setSuspendTimeoutMillis(0L);
        header.setSubscription("*");
        header.setSubVersion(0L);
        header.setExpressionType(ExpressionType.TAG);
        return header;
    }
}
