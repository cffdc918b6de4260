package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Produces numbered test messages: message {@code seq} goes to source queue {@code seq mod queues}, with a
 * tag, keys and user properties derived from {@code seq}, so a reader can check every field and the order.
 */
public final class TestMessages implements AutoCloseable {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final DefaultMQProducer producer;

    public TestMessages(String namesrv) throws Exception {
        this(namesrv, null);
    }

    /** A producer for {@code cluster}, signing as its super user when it has ACL 2.0 on. */
    public TestMessages(EmbeddedCluster cluster) throws Exception {
        this(cluster.namesrvAddr(), cluster.hasAcl() ? cluster.acl().superUserHook() : null);
    }

    private TestMessages(String namesrv, RPCHook hook) throws Exception {
        long instance = INSTANCES.incrementAndGet();
        producer = new DefaultMQProducer("test-producer-" + instance, hook);
        producer.setNamesrvAddr(namesrv);
        // Unique per producer: producers sharing an instance name share one client, and its NameServer.
        producer.setInstanceName("test-producer-" + ProcessHandle.current().pid() + "-" + instance);
        producer.setSendMsgTimeout(10_000);
        producer.start();
    }

    /** A producer for a cluster as Ferry reaches it (credentials, TLS): as an application there would. */
    public TestMessages(ClusterConfig cluster) throws Exception {
        producer = ClusterClients.configure(new DefaultMQProducer("test-producer-" + INSTANCES.incrementAndGet(),
            ClusterClients.rpcHook(cluster)), cluster, "test-producer");
        producer.setSendMsgTimeout(10_000);
        ClusterClients.start(producer, cluster, producer::start);
    }

    public static Message message(String topic, String run, long seq) {
        Message message = new Message(topic, "tag-" + (seq % 5), "key-" + run + "-" + seq,
            ("body " + run + " #" + seq).getBytes(StandardCharsets.UTF_8));
        message.putUserProperty("run", run);
        message.putUserProperty("seq", Long.toString(seq));
        message.putUserProperty("region", seq % 2 == 0 ? "east" : "west");
        return message;
    }

    /** What {@link #message} gives a message (body, tag, keys, its run, number and region) its copy has too. */
    public static void assertCopyOf(Message source, Message copy) {
        assertThat(new String(copy.getBody(), StandardCharsets.UTF_8))
            .isEqualTo(new String(source.getBody(), StandardCharsets.UTF_8));
        assertThat(copy.getTags()).isEqualTo(source.getTags());
        assertThat(copy.getKeys()).isEqualTo(source.getKeys());
        for (String property : new String[] {"run", "seq", "region"}) {
            assertThat(copy.getUserProperty(property)).as(property).isEqualTo(source.getUserProperty(property));
        }
    }

    /** Sends {@code count} messages numbered from {@code first}, in batches per queue; returns their message IDs. */
    public List<String> send(String topic, String run, long first, int count, int queues) throws Exception {
        return send(topic, run, first, count, queues, 0);
    }

    /** As {@link #send(String, String, long, int, int)}, with bodies padded to at least {@code bodyBytes}. */
    public List<String> send(String topic, String run, long first, int count, int queues, int bodyBytes)
        throws Exception {
        // The route as the NameServer has it now (a broker just back), not as the producer last polled it.
        producer.getDefaultMQProducerImpl().getMqClientFactory().updateTopicRouteInfoFromNameServer(topic);
        List<MessageQueue> all = producer.fetchPublishMessageQueues(topic);
        all.sort(MessageQueue::compareTo);
        List<String> ids = new ArrayList<>(count);
        List<List<Message>> perQueue = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            perQueue.add(new ArrayList<>());
        }
        for (long seq = first; seq < first + count; seq++) {
            Message message = message(topic, run, seq);
            if (message.getBody().length < bodyBytes) {
                byte[] padded = java.util.Arrays.copyOf(message.getBody(), bodyBytes);
                // Random padding: the producer compresses large bodies, and zeros would shrink to nothing.
                new java.util.Random(seq).nextBytes(padded);
                message.setBody(padded);
            }
            perQueue.get((int) (seq % queues)).add(message);
            if (perQueue.get((int) (seq % queues)).size() == (bodyBytes > 1024 ? 20 : 100)) {
                ids.addAll(flush(perQueue.get((int) (seq % queues)), all.get((int) (seq % queues))));
            }
        }
        for (int q = 0; q < queues; q++) {
            if (!perQueue.get(q).isEmpty()) {
                ids.addAll(flush(perQueue.get(q), all.get(q)));
            }
        }
        return ids;
    }

    private List<String> flush(List<Message> batch, MessageQueue queue) {
        // A broker short of CPU (two test classes run at once) refuses a send with "broker busy" before it stores
        // anything: the send is made again, as an application would. A send to a chosen queue gets no retries from
        // the client itself.
        SendResult result = await("a send of " + batch.size() + " message(s) to " + queue + " the broker accepts")
            .atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
            .ignoreExceptionsMatching(TestMessages::brokerBusy)
            .until(() -> producer.send(batch, queue), sent -> sent != null);
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new IllegalStateException("send " + result.getSendStatus());
        }
        List<String> ids = new ArrayList<>();
        for (Message m : batch) {
            ids.add(m.getProperty("UNIQ_KEY"));
        }
        batch.clear();
        return ids;
    }

    private static boolean brokerBusy(Throwable e) {
        return e instanceof MQBrokerException refused && refused.getResponseCode() == ResponseCode.SYSTEM_BUSY;
    }

    public SendResult sendOne(Message message) throws Exception {
        return producer.send(message);
    }

    public DefaultMQProducer producer() {
        return producer;
    }

    @Override
    public void close() {
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
