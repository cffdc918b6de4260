package dev.ferry.bench;

import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.PlainPull;
import dev.ferry.names.FerryNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.FindBrokerResult;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.message.MessageVersion;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;

/**
 * The least a copier spends with RocketMQ's remoting client: a floor to set Ferry's CPU per message against, not a
 * copier. Each source queue is pulled with the client's own pull request, and an answer is kept as the bytes the
 * broker stored: nothing decoded into messages, no process queue. Each stored message is re-framed into a batch
 * entry, its stored properties followed by the seven a copy of Ferry's carries ({@code FERRY_ORIGIN} ...
 * {@code FERRY_SOURCE_OFFSET}), and the batch goes to the same queue number of the target topic:
 *
 * <pre>
 *   pulled:  store size | magic | CRC | queue | flag | offset | ... | body | topic | properties
 *   sent:    entry size | 0     | 0   | flag  | body length | body | properties + stamp
 * </pre>
 *
 * <p>One thread per queue, one pull or one send at a time, up to a link's batch (1,024 messages or 4 MiB) per send.
 * What it leaves out is what Ferry adds to bytes in and bytes out: locks, flow control, order and failure handling,
 * commits, stats. It stops at the first failure and at each queue's end; a compressed body is copied as stored (the
 * benchmark's are not compressed).
 */
final class RawRelay implements AutoCloseable {

    /** What a broker answers from memory per pull at most. */
    private static final int PULL_MESSAGES = 32;
    /** A link's default batch: {@code copy.batchMessages} and {@code copy.batchBytes}. */
    private static final int BATCH_MESSAGES = 1024;
    private static final int BATCH_BYTES = 4 * 1024 * 1024;
    /** Per entry of a batch body: size, magic, body CRC, flag, body length, properties length. */
    private static final int FRAMING_BYTES = 4 + 4 + 4 + 4 + 4 + 2;
    private static final long TIMEOUT_MILLIS = 30_000;
    private static final String GROUP = "ferry-bench-raw-relay";

    /** Messages the target acknowledged so far, for sampling. */
    final AtomicLong relayed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private MQClientInstance source;
    private DefaultMQProducer target;

    /**
     * Starts relaying every queue of {@code sourceTopic} from its first message into {@code targetTopic} (as many
     * queues); returns at once, each queue's thread stopping at its end. The caller waits on {@link #relayed}.
     */
    void start(String sourceNamesrv, String sourceTopic, String targetNamesrv, String targetTopic) throws Exception {
        ClientConfig config = new ClientConfig();
        config.setNamesrvAddr(sourceNamesrv);
        config.setInstanceName(GROUP + "-" + ProcessHandle.current().pid());
        source = MQClientManager.getInstance().getOrCreateMQClientInstance(config);
        source.start();
        source.updateTopicRouteInfoFromNameServer(sourceTopic);
        target = new DefaultMQProducer(GROUP);
        target.setNamesrvAddr(targetNamesrv);
        target.setInstanceName(GROUP + "-out-" + ProcessHandle.current().pid());
        target.setSendMsgTimeout((int) TIMEOUT_MILLIS);
        target.setMaxMessageSize(BATCH_BYTES + 64 * 1024);
        target.start();
        List<MessageQueue> from = new ArrayList<>(source.getMQAdminImpl().fetchSubscribeMessageQueues(sourceTopic));
        List<MessageQueue> into = new ArrayList<>(target.fetchPublishMessageQueues(targetTopic));
        from.sort(MessageQueue::compareTo);
        into.sort(MessageQueue::compareTo);
        if (from.size() != into.size()) {
            throw new IllegalStateException(String.format("%s has %d queues, %s %d: the raw relay maps them one to one",
                sourceTopic, from.size(), targetTopic, into.size()));
        }
        for (int i = 0; i < from.size(); i++) {
            MessageQueue queue = from.get(i);
            MessageQueue to = into.get(i);
            Thread thread = new Thread(() -> relay(queue, to), GROUP + "-" + queue.getBrokerName() + "-"
                + queue.getQueueId());
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** The first failure of any queue, if one stopped on one. */
    Throwable failure() {
        return failure.get();
    }

    private void relay(MessageQueue queue, MessageQueue to) {
        try {
            FindBrokerResult broker = source.findBrokerAddressInSubscribe(queue.getBrokerName(), MixAll.MASTER_ID,
                true);
            if (broker == null) {
                throw new IllegalStateException("no master for " + queue);
            }
            Stamp stamp = new Stamp(queue);
            List<byte[]> pulled = new ArrayList<>();
            long offset = 0;
            int messages = 0;
            long bytes = 0;
            int largest = 0;
            boolean more = true;
            while (more && !Thread.currentThread().isInterrupted()) {
                PullResult result = pull(broker.getBrokerAddr(), queue, offset);
                more = result.getPullStatus() == PullStatus.FOUND;
                if (more) {
                    byte[] answer = ((PullResultExt) result).getMessageBinary();
                    pulled.add(answer);
                    bytes += answer.length;
                    largest = Math.max(largest, answer.length);
                    messages += PULL_MESSAGES; // at most: the batch is cut before it could go over
                    offset = result.getNextBeginOffset();
                }
                // Cut before the next pull could take the batch over a link's (an answer's stamps take less than
                // the stored framing they replace, so twice the largest answer is room enough).
                if (!pulled.isEmpty() && (!more || messages + PULL_MESSAGES > BATCH_MESSAGES
                    || bytes + 2L * largest > BATCH_BYTES)) {
                    relayed.addAndGet(send(pulled, stamp, to));
                    pulled.clear();
                    messages = 0;
                    bytes = 0;
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private PullResult pull(String broker, MessageQueue queue, long offset) throws Exception {
        PullMessageRequestHeader header = PlainPull.header(GROUP, queue.getTopic(), queue.getQueueId(), offset,
            PULL_MESSAGES);
        header.setBrokerName(queue.getBrokerName());
        return source.getMQClientAPIImpl().pullMessage(broker, header, TIMEOUT_MILLIS, CommunicationMode.SYNC, null);
    }

    /** Re-frames the stored messages of {@code pulled} into one batch body, written once, and sends it. */
    private int send(List<byte[]> pulled, Stamp stamp, MessageQueue to) throws Exception {
        int total = 0;
        int count = 0;
        for (byte[] answer : pulled) {
            ByteBuffer in = ByteBuffer.wrap(answer);
            while (in.hasRemaining()) {
                Stored message = Stored.at(in);
                total += FRAMING_BYTES + message.bodyLength + message.propertiesLength
                    + stamp.length(message.queueOffset, message.storeTimestamp);
                count++;
            }
        }
        byte[] body = new byte[total];
        ByteBuffer out = ByteBuffer.wrap(body);
        for (byte[] answer : pulled) {
            ByteBuffer in = ByteBuffer.wrap(answer);
            while (in.hasRemaining()) {
                Stored message = Stored.at(in);
                int stamped = message.propertiesLength + stamp.length(message.queueOffset, message.storeTimestamp);
                out.putInt(FRAMING_BYTES + message.bodyLength + stamped).putInt(0).putInt(0).putInt(message.flag)
                    .putInt(message.bodyLength).put(answer, message.bodyAt, message.bodyLength)
                    .putShort((short) stamped).put(answer, message.propertiesAt, message.propertiesLength);
                stamp.write(out, message.queueOffset, message.storeTimestamp);
            }
        }
        MessageBatch batch = new MessageBatch(List.of());
        batch.setTopic(to.getTopic());
        batch.setBody(body);
        target.send(batch, to, TIMEOUT_MILLIS);
        return count;
    }

    /** Where one stored message's parts lie in a pull's answer; reading it moves the buffer to the next. */
    private record Stored(int flag, long queueOffset, long storeTimestamp, int bodyAt, int bodyLength,
                          int propertiesAt, int propertiesLength) {

        static Stored at(ByteBuffer in) {
            int start = in.position();
            int storeSize = in.getInt(start);
            MessageVersion version = MessageVersion.valueOfMagicCode(in.getInt(start + 4));
            int flag = in.getInt(start + 16);
            long queueOffset = in.getLong(start + 20);
            int sysFlag = in.getInt(start + 36);
            int bornHost = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) == 0 ? 8 : 20;
            int storeHost = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) == 0 ? 8 : 20;
            int storeTimestampAt = start + 48 + bornHost;
            long storeTimestamp = in.getLong(storeTimestampAt);
            int bodyLengthAt = storeTimestampAt + 8 + storeHost + 4 + 8;
            int bodyLength = in.getInt(bodyLengthAt);
            in.position(bodyLengthAt + 4 + bodyLength);
            int topicLength = version.getTopicLength(in);
            in.position(in.position() + topicLength);
            int propertiesLength = in.getShort() & 0xffff;
            int propertiesAt = in.position();
            in.position(start + storeSize);
            return new Stored(flag, queueOffset, storeTimestamp, bodyLengthAt + 4, bodyLength, propertiesAt,
                propertiesLength);
        }
    }

    /** The seven properties of a copy of Ferry's: five the same for a queue's messages, its offset and store time. */
    private static final class Stamp {
        private static final char NAME_VALUE = 1;
        private static final char PROPERTY = 2;
        private final byte[] fixed;
        private final byte[] offsetName = (FerryNames.SOURCE_OFFSET + NAME_VALUE).getBytes(StandardCharsets.UTF_8);
        private final byte[] timeName = (FerryNames.ORIGIN_TIME + NAME_VALUE).getBytes(StandardCharsets.UTF_8);

        Stamp(MessageQueue queue) {
            String origin = "source";
            fixed = (property(FerryNames.ORIGIN, origin) + property(FerryNames.PATH, origin)
                + property(FerryNames.SOURCE_TOPIC, queue.getTopic())
                + property(FerryNames.SOURCE_BROKER, queue.getBrokerName())
                + property(FerryNames.SOURCE_QUEUE, Integer.toString(queue.getQueueId())))
                .getBytes(StandardCharsets.UTF_8);
        }

        private static String property(String name, String value) {
            return name + NAME_VALUE + value + PROPERTY;
        }

        int length(long offset, long time) {
            return fixed.length + offsetName.length + digits(offset) + 1 + timeName.length + digits(time) + 1;
        }

        void write(ByteBuffer out, long offset, long time) {
            out.put(fixed).put(offsetName);
            putDigits(out, offset);
            out.put((byte) PROPERTY).put(timeName);
            putDigits(out, time);
            out.put((byte) PROPERTY);
        }

        private static int digits(long value) {
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            return digits;
        }

        private static void putDigits(ByteBuffer out, long value) {
            int end = out.position() + digits(value);
            for (int at = end - 1; at >= out.position(); at--) {
                out.put(at, (byte) ('0' + value % 10));
                value /= 10;
            }
            out.position(end);
        }
    }

    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
        if (target != null) {
            ClientShutdown.shutdown(target, target::shutdown);
        }
        if (source != null) {
            source.shutdown();
        }
    }
}
