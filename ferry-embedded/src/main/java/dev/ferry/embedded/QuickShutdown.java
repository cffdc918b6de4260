package dev.ferry.embedded;

import java.lang.reflect.Field;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;

/**
 * Shuts this module's readers down without the RocketMQ client's idle wait of up to 3 s per shutdown (its
 * connection-event thread, joined without an interrupt). Ferry's engine does the same, and explains it, in
 * {@code dev.ferry.cluster.ClientShutdown}; this module sits below the engine and cannot use that class.
 */
final class QuickShutdown {

    private QuickShutdown() {
    }

    static void shutdown(ClientConfig client, Runnable shutdown) {
        try {
            MQClientInstance instance = MQClientManager.getInstance().getFactoryTable().get(client.buildMQClientId());
            if (instance != null && instance.getMQClientAPIImpl().getRemotingClient() instanceof NettyRemotingAbstract r) {
                Field eventThread = NettyRemotingAbstract.class.getDeclaredField("nettyEventExecutor");
                eventThread.setAccessible(true);
                ((ServiceThread) eventThread.get(r)).shutdown(true);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another RocketMQ version: the client's own shutdown, only slower.
        }
        shutdown.run();
    }
}
