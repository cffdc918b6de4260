package dev.ferry.cluster;

import java.lang.reflect.Field;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts a started RocketMQ client down without its idle wait of up to 3 s.
 *
 * <p>Why: every 5.5.0 client runs a connection-event thread ({@code NettyEventExecutor}) that polls its queue
 * for 3 s at a time. {@code shutdown()} marks it stopped and then joins it without interrupting it, so, unless a
 * connection event happens to arrive, each shutdown waits out the rest of that poll:
 *
 * <pre>
 *   event thread:  poll(3 s) ........................................| sees "stopped", ends
 *   shutdown():        unregister, close channels, stop -> join ......|  returns
 *                                                          ^ up to 3 s doing nothing
 * </pre>
 *
 * A link stops its heartbeat producer, then its consumer, then its producers; a backup its checkpointer, then its
 * links: measured on one embedded broker, {@code Ferry.close} of one backup took 8-9 s, nearly all of it these waits.
 * Stopping that thread with an interrupt first, the one thing {@code shutdown()} leaves out, makes the rest
 * immediate; everything else (unregistering, committing, closing the connections) is the client's own shutdown.
 *
 * <p>The thread is a protected field of the client's remoting layer, reached by reflection. Should a RocketMQ
 * version not have it, the client shuts down as it always did, only slower.
 */
public final class ClientShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(ClientShutdown.class);
    private static final Field EVENT_THREAD = eventThreadField();

    private ClientShutdown() {
    }

    /**
     * Runs {@code shutdown} (the client's own, e.g. {@code producer::shutdown}) after stopping the client's
     * connection-event thread. {@code client} is the producer, consumer or admin client being shut down.
     */
    public static void shutdown(ClientConfig client, Runnable shutdown) {
        stopEventThread(client);
        shutdown.run();
    }

    private static void stopEventThread(ClientConfig client) {
        if (EVENT_THREAD == null) {
            return;
        }
        // Looked up, never created: a client that did not start has no instance, and nothing to stop.
        MQClientInstance instance = MQClientManager.getInstance().getFactoryTable().get(client.buildMQClientId());
        if (instance == null || instance.getMQClientAPIImpl() == null
            || !(instance.getMQClientAPIImpl().getRemotingClient() instanceof NettyRemotingAbstract remoting)) {
            return;
        }
        try {
            ((ServiceThread) EVENT_THREAD.get(remoting)).shutdown(true);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.debug("could not stop the connection-event thread of {} early: {}", client.buildMQClientId(), e.toString());
        }
    }

    private static Field eventThreadField() {
        try {
            Field field = NettyRemotingAbstract.class.getDeclaredField("nettyEventExecutor");
            field.setAccessible(true);
            return ServiceThread.class.isAssignableFrom(field.getType()) ? field : null;
        } catch (NoSuchFieldException | RuntimeException e) {
            LOG.debug("RocketMQ client without the expected connection-event thread: shutdowns wait for it", e);
            return null;
        }
    }
}
