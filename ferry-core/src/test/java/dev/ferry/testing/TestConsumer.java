package dev.ferry.testing;

import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.embedded.AppConsumer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * An application consuming in a test (billing, say): a push consumer of one group and topic on one cluster,
 * reading from the first offset, committing every second, and recording the IDs of the messages it consumed.
 *
 * <p>One that {@link #hangingAfter hangs after N messages} plays an application that fell behind: it takes
 * {@code N} messages, then holds every further batch until {@link #release()} (or {@link #close()}), so its
 * committed offsets stay before what it did not take, as a stuck consumer's do.
 */
public final class TestConsumer implements AutoCloseable {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String group;
    private final String namesrv;
    private final String topic;
    private final Set<String> consumed = ConcurrentHashMap.newKeySet();
    private final AtomicLong left;
    private final CountDownLatch released = new CountDownLatch(1);
    private final DefaultMQPushConsumer consumer;

    private TestConsumer(String group, String namesrv, String topic, long capacity) throws Exception {
        this.group = group;
        this.namesrv = namesrv;
        this.topic = topic;
        this.left = new AtomicLong(capacity);
        consumer = AppConsumer.of(group, namesrv, group + "-" + ProcessHandle.current().pid() + "-"
            + INSTANCES.incrementAndGet());
        consumer.setPersistConsumerOffsetInterval(1_000);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            if (left.addAndGet(-messages.size()) < 0) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            messages.forEach(m -> consumed.add(m.getMsgId()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
    }

    /** Group {@code group} consuming {@code topic} on the cluster at {@code namesrv}, everything it is given. */
    public static TestConsumer start(String group, String namesrv, String topic) throws Exception {
        return new TestConsumer(group, namesrv, topic, Long.MAX_VALUE);
    }

    /** As {@link #start}, but it takes only {@code capacity} messages, then hangs until released. */
    public static TestConsumer hangingAfter(int capacity, String group, String namesrv, String topic)
        throws Exception {
        return new TestConsumer(group, namesrv, topic, capacity);
    }

    /** The IDs of the messages consumed so far (a live view). */
    public Set<String> consumed() {
        return consumed;
    }

    /** A hanging consumer stops holding its batches: they go back for a retry, and it takes no more. */
    public void release() {
        released.countDown();
    }

    /**
     * Waits until the group's offsets committed on the broker reach the end of every queue of the topic: what it
     * consumed is committed (the client commits every second, after its listener returned), so a stop or a
     * checkpoint now sees all of it.
     */
    public void awaitCommittedToTheEnd(Duration atMost) throws Exception {
        try (ClusterAdmin admin = ClusterAdmin.connect(TestConfigs.cluster("consumer-" + group, namesrv))) {
            await("group " + group + " committed to the end of " + topic).atMost(atMost).until(() -> {
                for (MessageQueue queue : admin.queues(topic)) {
                    if (admin.committedOffset(group, queue).orElse(-1) < admin.maxOffset(queue)) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    /** Stops at once (no wait for batches in flight), committing what it consumed; releases it first. */
    @Override
    public void close() {
        release();
        consumer.setAwaitTerminationMillisWhenShutdown(0);
        ClientShutdown.shutdown(consumer, consumer::shutdown);
    }
}
