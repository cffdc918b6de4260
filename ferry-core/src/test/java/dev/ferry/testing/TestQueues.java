package dev.ferry.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;

/** Message queues for tests of pure logic: a topic's queues on one broker, by a range of ids. */
public final class TestQueues {

    private TestQueues() {
    }

    /** Queues {@code from} (inclusive) to {@code to} (exclusive) of {@code topic} on {@code broker}, by id. */
    public static List<MessageQueue> range(String topic, String broker, int from, int to) {
        List<MessageQueue> queues = new ArrayList<>();
        for (int id = from; id < to; id++) {
            queues.add(new MessageQueue(topic, broker, id));
        }
        return queues;
    }
}
