package dev.ferry.copy;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The source queues one process copies for a link, and who that process is: the part of the work RocketMQ's
 * rebalancing gave it among every process running the same backup (see {@link Link}). "Holds" means what an orderly
 * consumer means: the queue is in the consumer's table and the source broker granted this process its lock, so no
 * other process copies it.
 *
 * @param clientId the link consumer's RocketMQ client ID, {@code <ip>@ferry-<backup>-to-<target>-seat-<n>}: what
 *                 {@code mqadmin consumerConnection} lists, and what {@code ferry status} names the group's processes
 *                 by; null before the link started
 * @param process  the JVM, {@code <pid>@<hostname>}: which process to look at, or to stop
 * @param count    how many queues of the backup's topics it holds
 * @param queues   those queues, compactly ({@link QueueList#compact}: {@code orders/broker-a/0-3,6})
 */
public record HeldQueues(String clientId, String process, int count, List<String> queues) {

    /** This JVM as Java names it ({@code jps}, {@code jcmd}): {@code <pid>@<hostname>}. */
    public static final String THIS_PROCESS = ManagementFactory.getRuntimeMXBean().getName();

    /** A link that holds nothing (not started, stopping). */
    static HeldQueues none(String clientId) {
        return new HeldQueues(clientId, THIS_PROCESS, 0, List.of());
    }

    static HeldQueues of(String clientId, Collection<MessageQueue> held) {
        return new HeldQueues(clientId, THIS_PROCESS, QueueList.copied(held).size(), QueueList.compact(held));
    }
}
