package dev.ferry.embedded;

import org.apache.rocketmq.client.ClientConfig;

/**
 * Test clients that shut down at once. A RocketMQ client that listens to its connections' events has a thread
 * that, on shutdown, waits up to 3 s for the next event (its NettyEventExecutor polls every 3 s and is joined).
 * A producer, reader or admin client of a test needs no such listener (it sends a heartbeat and rebalances when a
 * restarted broker is connected again); without it, the many clients a suite opens and closes cost no waiting.
 */
public final class FastClose {

    private FastClose() {
    }

    /** Turns the listener off; call before {@code start()}. */
    public static <T extends ClientConfig> T of(T client) {
        client.setEnableHeartbeatChannelEventListener(false);
        return client;
    }
}
