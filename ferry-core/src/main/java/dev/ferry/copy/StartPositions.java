package dev.ferry.copy;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.StartFrom;
import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets where a link starts on each source queue it has never copied from: earliest, latest or the first
 * message stored at an instant. Queues with committed progress are left alone, so a restart resumes.
 *
 * <p>Why not leave it to the consumer's {@code ConsumeFromWhere}: for a group a broker has never seen,
 * the broker answers "offset 0" while the queue's first message is still in memory, so "latest" would copy
 * the whole queue. Writing the start offset before the consumer starts makes the start exact.
 */
final class StartPositions {

    private static final Logger LOG = LoggerFactory.getLogger(StartPositions.class);

    private StartPositions() {
    }

    static void initialise(ClusterAdmin source, String group, List<String> topics, StartFrom startFrom) throws Exception {
        for (String topic : topics) {
            int started = 0;
            for (MessageQueue queue : source.queues(topic)) {
                if (source.committedOffset(group, queue).isPresent()) {
                    continue;
                }
                long offset = switch (startFrom.position()) {
                    case EARLIEST -> source.minOffset(queue);
                    case LATEST -> source.maxOffset(queue);
                    case INSTANT -> source.offsetAt(queue, startFrom.instant().toEpochMilli());
                };
                source.commitOffset(group, queue, offset);
                LOG.debug("{}: starts {} at offset {} ({})", group, queue, offset, startFrom);
                started++;
            }
            if (started > 0) {
                LOG.info("{}: starts {} new queue(s) of {} at the {} position", group, started, topic, startFrom);
            }
        }
    }
}
