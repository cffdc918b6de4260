package dev.ferry.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What an application did, for tests of the wrappers on real consumers: how often each message ID was processed,
 * whether two threads ever overlapped on one, and (remoting messages) in which queue order.
 */
public final class Processing {

    public final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    /** {@code queueId:queueOffset} of each remoting message processed, in processing order. */
    public final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private final AtomicInteger overlaps = new AtomicInteger();

    public void process(MessageExt message) {
        process(message.getMsgId(), () -> order.add(message.getQueueId() + ":" + message.getQueueOffset()));
    }

    public void process(MessageView message) {
        process(message.getMessageId().toString(), () -> { });
    }

    private void process(String id, Runnable record) {
        if (!inProgress.add(id)) {
            overlaps.incrementAndGet();
        }
        Thread.yield();
        processed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        record.run();
        inProgress.remove(id);
    }

    public int distinct() {
        return processed.size();
    }

    /** How many IDs were processed more than once. */
    public long processedTwice() {
        return processed.values().stream().filter(count -> count.get() > 1).count();
    }

    /** How many of {@code ids} were never processed. */
    public long lost(Collection<String> ids) {
        return ids.stream().filter(id -> !processed.containsKey(id)).count();
    }

    public void assertEachOnce() {
        assertThat(overlaps).as("two threads on one message at once").hasValue(0);
        assertThat(processedTwice()).as("processed twice").isZero();
    }
}
