package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.embedded.ClusterProcess;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * How many messages a topic holds in a cluster's store (the sum of its queues' max offsets), asked of the broker
 * where it listens, in one request. Never through the delay proxy in front of a far cluster: the benchmark's own
 * clock must not be far away, or a phase would end a round trip (or one per queue) after its last message was
 * stored.
 */
final class StoreCount implements AutoCloseable {

    private final DefaultMQAdminExt admin;
    private final String brokerAddr;

    StoreCount(ClusterProcess cluster) throws Exception {
        this.brokerAddr = cluster.brokerAddr();
        admin = new DefaultMQAdminExt(10_000);
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("ferry-bench-count-" + cluster.clusterName() + "-" + ProcessHandle.current().pid());
        admin.start();
    }

    long of(String topic) throws Exception {
        long total = 0;
        for (TopicOffset offset : admin.examineTopicStats(brokerAddr, topic).getOffsetTable().values()) {
            total += offset.getMaxOffset();
        }
        return total;
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(admin, admin::shutdown);
    }
}
