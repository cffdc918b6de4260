package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * The fastest producer we can write: batches per queue, sent asynchronously with a bounded number in flight.
 * It fills the source before the catch-up, and writes the ceiling into the target: what the target cluster takes
 * on this machine, the mark Ferry is measured against.
 */
final class FastWriter implements AutoCloseable {

    /** Messages per batch: about 64 KiB of 1 KiB messages, RocketMQ's sweet spot on loopback. */
    private static final int BATCH = 64;
    /** Batches in flight at once, across queues. */
    private static final int IN_FLIGHT = 16;

    private final DefaultMQProducer producer;
    private final BenchMessages messages;
    /** Messages the cluster acknowledged so far in the current write, for sampling. */
    final AtomicLong acked = new AtomicLong();

    FastWriter(String namesrv, String name, BenchMessages messages) throws Exception {
        this.messages = messages;
        producer = new DefaultMQProducer("ferry-bench-" + name);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("ferry-bench-" + name + "-" + ProcessHandle.current().pid());
        producer.setSendMsgTimeout(30_000);
        producer.setMaxMessageSize(4 * 1024 * 1024);
        producer.start();
    }

    /** Writes messages {@code 0 .. count-1} of {@code run} round-robin over the topic's queues; returns when all are acknowledged. */
    void write(String topic, String run, long count) throws Exception {
        acked.set(0);
        List<MessageQueue> queues = producer.fetchPublishMessageQueues(topic);
        queues.sort(MessageQueue::compareTo);
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long seq = 0;
        int next = 0;
        while (seq < count) {
            List<Message> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH && seq < count; i++, seq++) {
                batch.add(messages.message(topic, run, seq));
            }
            MessageQueue queue = queues.get(next++ % queues.size());
            slots.acquire();
            if (failure.get() != null) {
                throw new IllegalStateException("the cluster refused a batch: " + failure.get(), failure.get());
            }
            send(batch, queue, slots, failure);
        }
        if (!slots.tryAcquire(IN_FLIGHT, 2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("batches still unacknowledged after 2 minutes");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the cluster refused a batch: " + failure.get(), failure.get());
        }
    }

    /**
     * Sends one batch; a broker that is busy (its send queue waited too long: flow control) gets the same batch
     * again 10 ms later, as any producer that means to deliver does. Any other failure ends the write.
     */
    private void send(List<Message> batch, MessageQueue queue, Semaphore slots, AtomicReference<Throwable> failure)
        throws Exception {
        producer.send(batch, queue, new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
                acked.addAndGet(batch.size());
                slots.release();
            }

            @Override
            public void onException(Throwable e) {
                if (busy(e)) {
                    CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(() -> {
                        try {
                            send(batch, queue, slots, failure);
                        } catch (Exception again) {
                            onException(again);
                        }
                    });
                    return;
                }
                failure.compareAndSet(null, e);
                slots.release();
            }
        });
    }

    /** Flow control on the broker: its answer to too much at once, not a refusal. */
    static boolean busy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && (broker.getResponseCode() == ResponseCode.SYSTEM_BUSY
                || broker.getResponseCode() == ResponseCode.SYSTEM_ERROR && String.valueOf(broker.getErrorMessage())
                .contains("busy"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
