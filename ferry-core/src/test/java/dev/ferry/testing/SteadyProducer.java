package dev.ferry.testing;

import dev.ferry.cluster.ClientShutdown;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * An application's producer in one region, for scenarios that lose a region under traffic: on a thread of its
 * own it sends about 500 messages a second to one topic until {@link #stop()}, or until a send fails because
 * the region is gone, and records the message ID of every message the broker acknowledged — what the region
 * owes the application.
 *
 * <p>A broker short of CPU answers "busy" before it stores anything; that send is made again, as an application
 * would, instead of ending the traffic of a region that is alive. Any other failure ends it: with no retries in
 * the client, the first send to a region that died fails at once.
 */
public final class SteadyProducer implements AutoCloseable {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private SteadyProducer(String namesrv, String topic, String run) {
        thread = new Thread(() -> send(namesrv, topic, run), "producer-" + run);
        thread.start();
    }

    /**
     * Starts sending to {@code topic} on the cluster at {@code namesrv}: tag {@code trade}, keys
     * {@code <run>-<seq>}, body {@code <run> #<seq>}.
     */
    public static SteadyProducer start(String namesrv, String topic, String run) {
        return new SteadyProducer(namesrv, topic, run);
    }

    /** The IDs of the messages acknowledged so far (a live view). */
    public Set<String> acknowledged() {
        return acknowledged;
    }

    /** How many messages were acknowledged so far. */
    public int sent() {
        return acknowledged.size();
    }

    /** Sends no more and waits (up to 30 s) for the send in flight to end. Stopping again does nothing. */
    public void stop() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void send(String namesrv, String topic, String run) {
        DefaultMQProducer producer = new DefaultMQProducer("app-" + run);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("app-" + run + "-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet());
        producer.setSendMsgTimeout(3_000);
        producer.setRetryTimesWhenSendFailed(0);
        try {
            producer.start();
            for (long seq = 0; running.get(); seq++) {
                Message message = new Message(topic, "trade", run + "-" + seq,
                    (run + " #" + seq).getBytes(StandardCharsets.UTF_8));
                SendResult result = sendUntilNotBusy(producer, message);
                acknowledged.add(result.getMsgId());
                if (seq % 50 == 49) {
                    Thread.sleep(100); // pacing, not waiting for anything
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception regionGone) {
            // the region was lost: its producers stop there
        } finally {
            ClientShutdown.shutdown(producer, producer::shutdown);
        }
    }

    private SendResult sendUntilNotBusy(DefaultMQProducer producer, Message message) throws Exception {
        while (true) {
            try {
                return producer.send(message);
            } catch (MQBrokerException e) {
                if (e.getResponseCode() != ResponseCode.SYSTEM_BUSY || !running.get()) {
                    throw e;
                }
                Thread.sleep(100); // a busy broker's back-off, not waiting for a condition
            }
        }
    }
}
