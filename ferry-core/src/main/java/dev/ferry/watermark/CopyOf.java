package dev.ferry.watermark;

import static dev.ferry.names.FerryNames.PATH;
import static dev.ferry.names.FerryNames.SOURCE_BROKER;
import static dev.ferry.names.FerryNames.SOURCE_OFFSET;
import static dev.ferry.names.FerryNames.SOURCE_QUEUE;
import static dev.ferry.names.FerryNames.SOURCE_TOPIC;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Recognises the copies of one source queue among the messages of a target queue, and says which source offset
 * each is a copy of.
 *
 * <p>A target queue is shared: applications on the target write to it, a two-way peer and every unit of an
 * aggregation copy into it, each with RocketMQ's default names ({@code broker-a} everywhere). So a copy of
 * {@code orders@broker-a/3} read from cluster A is the message whose stamp says all four: it came last from A
 * (the last cluster of {@code FERRY_PATH}) and was read from that topic, broker and queue ({@code FERRY_SOURCE_*}).
 * With a signing key, only a stamp whose signature verifies counts: a producer on the target could otherwise make
 * Ferry skip messages by writing a look-alike.
 *
 * @param sourceCluster the link's source cluster, as its configuration names it
 * @param source        the source queue
 * @param trusted       whether a stamp is to be believed (its signature verifies, or stamps are not signed)
 */
record CopyOf(String sourceCluster, MessageQueue source, Predicate<Map<String, String>> trusted) {

    /** The offset of {@link #source} that {@code stored} is a copy of, or {@link Watermarks#NONE} when it is not one. */
    long sourceOffset(Message stored) {
        Map<String, String> properties = stored.getProperties();
        String path = properties.get(PATH);
        if (path == null || !lastOnPath(path).equals(sourceCluster)
            || !source.getTopic().equals(properties.get(SOURCE_TOPIC))
            || !source.getBrokerName().equals(properties.get(SOURCE_BROKER))
            || !Integer.toString(source.getQueueId()).equals(properties.get(SOURCE_QUEUE))) {
            return Watermarks.NONE;
        }
        long offset;
        try {
            offset = Long.parseLong(properties.getOrDefault(SOURCE_OFFSET, ""));
        } catch (NumberFormatException e) {
            return Watermarks.NONE;
        }
        return offset >= 0 && trusted.test(properties) ? offset : Watermarks.NONE;
    }

    private static String lastOnPath(String path) {
        return path.substring(path.lastIndexOf(',') + 1);
    }
}
