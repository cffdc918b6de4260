package dev.ferry.demo;

import dev.ferry.cluster.ClientShutdown;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sample application producing into one cluster at a steady rate: what the units, the primary and the
 * regions of the demo run. It knows the ID of every message it had acknowledged, for the closing check.
 */
final class DemoTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);

    private final String cluster;
    private final String topic;
    private final int perSecond;
    private final DefaultMQProducer producer;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    DemoTraffic(String cluster, String namesrv, String topic, int perSecond) throws Exception {
        this.cluster = cluster;
        this.topic = topic;
        this.perSecond = perSecond;
        this.producer = new DefaultMQProducer("demo-app-" + cluster);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("demo-app-" + cluster + "-" + ProcessHandle.current().pid());
        producer.start();
        this.thread = new Thread(this::produce, "demo-app-" + cluster);
        thread.setDaemon(true);
        thread.start();
    }

    private void produce() {
        long started = System.nanoTime();
        while (running) {
            long seq = sequence.getAndIncrement();
            Message message = new Message(topic, seq % 3 == 0 ? "vip" : "regular", cluster + "-order-" + seq,
                ("{\"order\":" + seq + ",\"from\":\"" + cluster + "\"}").getBytes(StandardCharsets.UTF_8));
            message.putUserProperty("amount", Long.toString(10 + seq % 990));
            try {
                SendResult result = producer.send(message);
                if (result.getSendStatus() == SendStatus.SEND_OK) {
                    sent.add(result.getMsgId());
                }
            } catch (Exception e) {
                LOG.warn("demo app on {}: send failed: {}", cluster, e.getMessage());
            }
            long due = started + (seq + 1) * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    String cluster() {
        return cluster;
    }

    String topic() {
        return topic;
    }

    /** The IDs of every message the cluster acknowledged. */
    Set<String> sent() {
        return Set.copyOf(sent);
    }

    /** Stops producing; returns once the last send finished. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
