package dev.ferry.copy;

import dev.ferry.config.CopySettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies, from its slave, the queues of a source broker whose master is down: RocketMQ's slave reads, for a
 * copier that reads in order under a lock only a master grants.
 *
 * <p>A queue is read here only when all of this holds: this process holds it (RocketMQ's rebalancing gave it
 * here), its lock has expired (the copier stopped sending it, see {@link ProcessQueues#owns}), and the
 * client's route has no master for its broker, only a slave. No other process can hold the queue's lock then
 * either: there is no master to grant it. Reading starts at the queue's offset in this process, the first
 * message not yet on the target, and the copies go through the same copier, in order, with the same stamps
 * and offset syncs:
 *
 * <pre>
 *   master up:     push consumer + lock --&gt; QueueCopier --&gt; target         offset 100 ... 250
 *   master down:   lock expires (30 s); here: pull from slave at 250 --&gt; QueueCopier --&gt; target   ... 400
 *   master back:   offset 400 written to the master, the queue handed back: the consumer reads on from 400
 * </pre>
 *
 * <p>The hand-back writes the offset to the master before the consumer takes the queue again, so the copies
 * made from the slave are not made twice. A slave that refuses reads ({@code slaveReadEnable=false}, RocketMQ's
 * default) turns the queue's state to retrying, naming the setting; its messages wait for the master.
 */
final class SlaveReads {

    private static final Logger LOG = LoggerFactory.getLogger(SlaveReads.class);
    private static final long PULL_TIMEOUT_MILLIS = 10_000;
    /** Batches read from one queue in one round, so that every queue of a dead master moves. */
    private static final int BATCHES_PER_ROUND = 64;

    private final String linkName;
    private final String sourceCluster;
    private final QueueCopier copier;
    private final ProcessQueues queues;
    private final LinkStats stats;
    private final CopySettings settings;
    private final StopGate gate;
    /** The link's pause: then nothing is read from a slave either (a master's return is still handled). */
    private final LinkPause pause;
    /** The queues read from a slave now, with their broker's name. */
    private final Map<MessageQueue, String> reading = new ConcurrentHashMap<>();
    /** The queues whose slave could not be read: their trouble is this class's to clear. */
    private final Set<MessageQueue> unread = ConcurrentHashMap.newKeySet();

    SlaveReads(String linkName, String sourceCluster, QueueCopier copier, ProcessQueues queues, LinkStats stats,
               CopySettings settings, StopGate gate, LinkPause pause) {
        this.linkName = linkName;
        this.sourceCluster = sourceCluster;
        this.copier = copier;
        this.queues = queues;
        this.stats = stats;
        this.settings = settings;
        this.gate = gate;
        this.pause = pause;
    }

    /** One round over the queues this process holds: reads those of masterless brokers, hands back the rest. */
    void run() {
        Set<MessageQueue> listed = new HashSet<>();
        queues.forEachListed((queue, held) -> {
            listed.add(queue);
            if (held.isDropped()) {
                stopReading(queue);
                unread.remove(queue);
                return;
            }
            if (!queues.masterless(queue.getBrokerName())) {
                if (reading.containsKey(queue)) {
                    handBack(queue, held);
                }
                if (unread.remove(queue)) {
                    stats.stopRetrying(queue);
                }
                return;
            }
            if (held.isLocked() && !held.isLockExpired()) {
                return; // the copier may still send it, with what the consumer pulled
            }
            if (pause.paused()) {
                return; // an operator paused the link: its queues wait, whichever broker serves them
            }
            read(queue, held);
        });
        // A queue the rebalance took away (dropped and removed at once) is no longer listed: forgotten here too, or
        // status would say it is read from the slave for as long as the process lives.
        for (MessageQueue queue : List.copyOf(reading.keySet())) {
            if (!listed.contains(queue)) {
                stopReading(queue);
            }
        }
        unread.removeIf(queue -> !listed.contains(queue));
    }

    private void stopReading(MessageQueue queue) {
        reading.remove(queue);
        queues.readFromSlave(queue, false);
    }

    /** What status says: which brokers' queues are read from their slaves; null when none. */
    String describe() {
        if (reading.isEmpty()) {
            return null;
        }
        Map<String, Integer> byBroker = new TreeMap<>();
        reading.values().forEach(broker -> byBroker.merge(broker, 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byBroker.forEach((broker, count) -> parts.add(count + " queue(s) of broker '" + broker + "'"));
        return "reading " + String.join(", ", parts) + " of source '" + sourceCluster
            + "' from the slave: the master is down";
    }

    /** Reads the queue from its slave from this process's offset, batch by batch, while the master stays down. */
    private void read(MessageQueue queue, ProcessQueue held) {
        long next = queues.nextOffset(queue);
        if (next < 0 || !queues.subscribes(queue.getTopic())) {
            return; // nothing copied here yet: where to start is the master's to say
        }
        for (int batch = 0; batch < BATCHES_PER_ROUND && !pause.paused() && gate.enter(); batch++) {
            try {
                PullResult pulled = queues.pull(queue, next, settings.batchMessages(), PULL_TIMEOUT_MILLIS);
                if (unread.remove(queue)) {
                    stats.stopRetrying(queue);
                }
                queues.readFromSlave(queue, true);
                if (reading.put(queue, queue.getBrokerName()) == null) {
                    LOG.warn("{}: {}: broker '{}' of '{}' has no master online; reading the queue from its slave"
                        + " from offset {}", linkName, QueueMapping.brief(queue), queue.getBrokerName(),
                        sourceCluster, next);
                }
                boolean found = pulled.getPullStatus() == PullStatus.FOUND && !pulled.getMsgFoundList().isEmpty();
                if (found && !copy(queue, held, pulled)) {
                    return; // the target did not take it now, or the master is back: the next round sees
                }
                if (pulled.getNextBeginOffset() <= next) {
                    // Caught up with the slave: nothing of this queue waits, whatever an earlier send met.
                    stats.stopRetrying(queue);
                    return;
                }
                // Everything below is on the target, dropped as a loop or passed over by the filter.
                next = pulled.getNextBeginOffset();
                queues.advance(queue, next);
            } catch (Exception e) {
                String why = refusedRead(e) ? "broker '" + queue.getBrokerName() + "' of source '"
                    + sourceCluster + "' has no master online and its slave refuses reads (set"
                    + " slaveReadEnable=true on it to copy from it meanwhile): the queue waits for the master"
                    : "reading from the slave of broker '" + queue.getBrokerName() + "' failed: "
                    + SendFailure.describe(e);
                unread.add(queue);
                if (!why.equals(stats.retrying(queue, why))) {
                    LOG.warn("{}: {}: {}", linkName, QueueMapping.brief(queue), why);
                }
                return;
            } finally {
                gate.exit();
            }
        }
    }

    /**
     * Copies one pulled batch under the queue's consume lock (the copier holds it too, so the two never send the
     * same queue at once), while the broker is still masterless.
     */
    private boolean copy(MessageQueue queue, ProcessQueue held, PullResult pulled) throws InterruptedException {
        Lock exclusive = held.getConsumeLock().writeLock();
        if (!exclusive.tryLock(1, TimeUnit.SECONDS)) {
            return false;
        }
        if (!pause.beginCopy()) {
            exclusive.unlock();
            return false; // paused meanwhile: the batch is read again once resumed
        }
        try {
            long retryIn = copier.copy(queue, pulled.getMsgFoundList(),
                () -> !held.isDropped() && queues.masterless(queue.getBrokerName()));
            return retryIn == QueueCopier.DONE;
        } finally {
            pause.endCopy();
            exclusive.unlock();
        }
    }

    /**
     * The master is back: what was copied from the slave is written to it as the group's offset, and the queue
     * is given back to the consumer, which takes it again (lock, offset from the master) at once.
     */
    private void handBack(MessageQueue queue, ProcessQueue held) {
        Lock exclusive = held.getConsumeLock().writeLock();
        exclusive.lock();
        long next = queues.nextOffset(queue);
        try {
            if (next >= 0) {
                queues.commitToMaster(queue, next);
            }
            LOG.info("{}: {}: the master of broker '{}' is back; copying goes on from it at offset {}", linkName,
                QueueMapping.brief(queue), queue.getBrokerName(), next);
        } catch (Exception e) {
            // The consumer commits it too as it lets the queue go (one way); if that is lost as well, the copies
            // from the slave since the last commit are made again: duplicates, never a gap.
            LOG.warn("{}: {}: could not write offset {} to the master of broker '{}' that is back ({}); it may copy"
                + " again what it copied from the slave since the last commit", linkName, QueueMapping.brief(queue),
                next, queue.getBrokerName(), SendFailure.describe(e));
        } finally {
            // The consumer still holds messages it pulled below that offset; it takes the queue afresh instead, and
            // owns it again only then (it may have locked it already, as the master returned).
            queues.release(queue);
            stopReading(queue);
            stats.stopRetrying(queue);
            exclusive.unlock();
        }
        queues.rebalanceNow();
    }

    private static boolean refusedRead(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.SYSTEM_BUSY) {
                return true;
            }
        }
        return false;
    }

    /** The brokers whose queues are read from their slaves now, sorted. */
    List<String> brokers() {
        return List.copyOf(new TreeSet<>(reading.values()));
    }
}
