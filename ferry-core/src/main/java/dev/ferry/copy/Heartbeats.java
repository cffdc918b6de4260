package dev.ferry.copy;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.StartFrom;
import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's heartbeat: every second a small message written into the source's {@code FERRY_HEARTBEAT} topic,
 * tagged with the link's group, which the link copies like any other message. The copy's delay (source store
 * time to the target's acknowledgement) is the link's end-to-end delay, measured even when no business
 * traffic flows; a heartbeat that does not get through within seconds is a broken link.
 *
 * <pre>
 *   source                                   target
 *   FERRY_HEARTBEAT  tag=ferry-b-to-T  --link ferry-b-to-T-->  FERRY_HEARTBEAT  tag=ferry-b-to-T
 *        ^ written here every second          ack time - source store time = the link's delay
 * </pre>
 *
 * <p>Why a tag per link rather than one heartbeat per cluster: the link subscribes to its own tag only, which
 * every broker filters without SQL-92. So each link copies just its own heartbeats — the other direction of a
 * two-way backup never picks up a copied heartbeat (no loop, nothing to drop), and several backups reading one
 * source do not copy each other's.
 *
 * <p>Why heartbeats are not counted as copied messages: the counters and backlog are about the backup's topics;
 * heartbeats have counters of their own.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    static final long INTERVAL_MILLIS = 1_000;
    /** A heartbeat write that takes longer is as good as failed: the next one is due. */
    private static final long SEND_TIMEOUT_MILLIS = 2_000;

    private final String tag;
    private final ClusterAdmin sourceAdmin;
    private final DefaultMQProducer producer;
    private final ScheduledExecutorService timer;
    private volatile boolean topicReady;
    /** When the last write the source took was made, epoch millis; 0 before the first. */
    private volatile long lastWrittenMillis;

    Heartbeats(String group, ClusterAdmin sourceAdmin) {
        this.tag = tagOf(group);
        this.sourceAdmin = sourceAdmin;
        this.producer = ClusterClients.producer(FerryNames.heartbeatGroup(group), sourceAdmin.cluster());
        ClusterClients.configure(producer, sourceAdmin.cluster(), "heartbeat");
        producer.setSendMsgTimeout((int) SEND_TIMEOUT_MILLIS);
        producer.setRetryTimesWhenSendFailed(0);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-heartbeat-" + group);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The tag the heartbeats of the link of {@code group} carry: the group, so one right names both. */
    static String tagOf(String group) {
        return group;
    }

    /** The tag a link's heartbeats carry, and the subscription it copies them with. */
    String tag() {
        return tag;
    }

    /** Creates the topic on the source when it lacks it; throws when the source does not answer. */
    void prepareTopic() throws Exception {
        if (!topicReady) {
            sourceAdmin.ensureTopic(FerryNames.HEARTBEAT_TOPIC, 1);
            topicReady = true;
        }
    }

    /**
     * Creates the topic on the source and starts the link's group at its end: older heartbeats say nothing about
     * this link.
     *
     * @return false when the source refuses the topic (permissions): that costs the link its heartbeats, not its
     *         copying (the caller closes this and goes on without)
     * @throws Exception when the source does not answer: the start is tried again
     */
    boolean prepare(String linkName) throws Exception {
        try {
            prepareTopic();
            StartPositions.initialise(sourceAdmin, tag, List.of(FerryNames.HEARTBEAT_TOPIC), StartFrom.LATEST);
            return true;
        } catch (Exception e) {
            if (LinkStartup.unreachable(e)) {
                throw e;
            }
            LOG.warn("{}: no heartbeats: source '{}' refuses topic {} ({}); copying goes on, its delay is measured"
                + " on business traffic only", linkName, sourceAdmin.cluster().name(), FerryNames.HEARTBEAT_TOPIC,
                SendFailure.describe(e));
            return false;
        }
    }

    void start() throws Exception {
        ClusterClients.start(producer, sourceAdmin.cluster(), producer::start);
        timer.scheduleWithFixedDelay(this::beat, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        long now = System.currentTimeMillis();
        Message heartbeat = new Message(FerryNames.HEARTBEAT_TOPIC, tag,
            ("{\"link\":\"" + tag + "\",\"writtenAt\":" + now + "}").getBytes(StandardCharsets.UTF_8));
        try {
            prepareTopic();
            producer.send(heartbeat, SEND_TIMEOUT_MILLIS);
            lastWrittenMillis = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception notTaken) {
            // The source's reach is reported by the link's probe; a heartbeat that could not be written is only
            // a reason not to expect its copy (lastWrittenMillis stays where it was).
        }
    }

    /** When the source last took a heartbeat, epoch millis; 0 before the first. */
    long lastWrittenMillis() {
        return lastWrittenMillis;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        ClientShutdown.shutdown(producer, producer::shutdown);
    }
}
