package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

/**
 * Business traffic at a fixed rate: one message at a time, asynchronously, paced every 10 ms, as many
 * producers of an application would send. What Ferry's delay is measured under.
 */
final class LiveLoad implements AutoCloseable {

    private static final int MAX_OUTSTANDING = 20_000;

    private final DefaultMQProducer producer;
    private final BenchMessages messages;
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    LiveLoad(String namesrv, BenchMessages messages) throws Exception {
        this.messages = messages;
        producer = new DefaultMQProducer("ferry-bench-live");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("ferry-bench-live-" + ProcessHandle.current().pid());
        producer.setSendMsgTimeout(30_000);
        producer.start();
    }

    /** Sends {@code rate} messages a second for {@code seconds}, numbered from 0 in {@code run}; returns when all are answered. */
    long run(String topic, String run, int rate, int seconds) throws InterruptedException {
        acked.set(0);
        failed.set(0);
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (; sent < due; sent++) {
                outstanding.acquire();
                send(messages.message(topic, run, sent), outstanding);
            }
            Thread.sleep(10);
        }
        outstanding.acquire(MAX_OUTSTANDING);
        outstanding.release(MAX_OUTSTANDING);
        return acked.get();
    }

    /** Sends one message; flow control on the broker means the same message again 10 ms later. */
    private void send(Message message, Semaphore outstanding) {
        try {
            producer.send(message, new SendCallback() {
                @Override
                public void onSuccess(SendResult result) {
                    acked.incrementAndGet();
                    outstanding.release();
                }

                @Override
                public void onException(Throwable e) {
                    retryOrFail(message, outstanding, e);
                }
            });
        } catch (Exception e) {
            retryOrFail(message, outstanding, e);
        }
    }

    private void retryOrFail(Message message, Semaphore outstanding, Throwable e) {
        if (FastWriter.busy(e)) {
            CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(() -> send(message, outstanding));
        } else {
            failed.incrementAndGet();
            outstanding.release();
        }
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
