package dev.ferry.embedded;

import java.lang.reflect.Field;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;

/**
 * Shuts RocketMQ servers and clients down without their idle wait of up to 3 s each: every 5.5.0 remoting server
 * and client runs a connection-event thread that polls its queue 3 s at a time, and their {@code shutdown()} joins
 * it without an interrupt. A broker stop waited for its server's, a client's shutdown for its own. Ferry's engine
 * does the same for its clients, and explains it, in {@code dev.ferry.cluster.ClientShutdown}; this module sits
 * below the engine and cannot use that class.
 */
final class QuickShutdown {

    private QuickShutdown() {
    }

    /** Runs a client's {@code shutdown} after stopping its connection-event thread. */
    static void shutdown(ClientConfig client, Runnable shutdown) {
        MQClientInstance instance = MQClientManager.getInstance().getFactoryTable().get(client.buildMQClientId());
        if (instance != null && instance.getMQClientAPIImpl() != null) {
            stopEventThreads(instance.getMQClientAPIImpl().getRemotingClient());
        }
        shutdown.run();
    }

    /** Stops the connection-event threads of these remoting servers and clients (nulls skipped). */
    static void stopEventThreads(Object... remotings) {
        for (Object remoting : remotings) {
            if (remoting instanceof NettyRemotingAbstract netty) {
                try {
                    Field eventThread = NettyRemotingAbstract.class.getDeclaredField("nettyEventExecutor");
                    eventThread.setAccessible(true);
                    ((ServiceThread) eventThread.get(netty)).shutdown(true);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // Another RocketMQ version: its own shutdown, only slower.
                }
            }
        }
    }
}
