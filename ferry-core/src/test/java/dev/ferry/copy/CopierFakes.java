package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.watermark.Watermarks;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** The copier's collaborators as fakes, and source messages to hand it: one source queue, one target queue. */
final class CopierFakes {

    static final MessageQueue SOURCE = new MessageQueue("orders", "broker-a", 1);
    static final MessageQueue TARGET = new MessageQueue("orders", "broker-a", 1);

    private CopierFakes() {
    }

    static List<MessageExt> messages(long from, int count) {
        List<MessageExt> messages = new ArrayList<>();
        for (long offset = from; offset < from + count; offset++) {
            MessageExt m = new MessageExt();
            m.setTopic(SOURCE.getTopic());
            m.setBrokerName(SOURCE.getBrokerName());
            m.setQueueId(SOURCE.getQueueId());
            m.setQueueOffset(offset);
            m.setBody(("body-" + offset % 10).getBytes(StandardCharsets.UTF_8));
            m.setMsgId("ID-" + offset);
            m.setStoreTimestamp(1_700_000_000_000L + offset);
            m.setBornHost(new InetSocketAddress("127.0.0.1", 1));
            m.setStoreHost(new InetSocketAddress("127.0.0.1", 2));
            messages.add(m);
        }
        return messages;
    }

    /** A target queue that stores what it takes, refusing the source offsets {@link #refuses} names. */
    static final class FakeTarget implements CopyTarget {
        final List<Long> stored = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        /** Which sends (1 = the first) are not taken. */
        final Set<Integer> unsentOnSend = new HashSet<>();
        /** Which sends are stored, but time out before the answer comes back. */
        final Set<Integer> timeoutAfterStoringOnSend = new HashSet<>();
        Predicate<Long> refuses = offset -> false;
        int maxBatchBytes = 1024 * 1024;
        int sends;
        int settled;

        @Override
        public String cluster() {
            return "B";
        }

        @Override
        public String topicFor(String sourceTopic) {
            return sourceTopic;
        }

        @Override
        public int maxBatchBytes() {
            return maxBatchBytes;
        }

        @Override
        public void settled(MessageQueue source) {
            settled++;
        }

        @Override
        public SendResult send(Message batch, int count, MessageQueue source)
            throws TargetSender.Unsent, TargetSender.Refused {
            sends++;
            if (unsentOnSend.contains(sends)) {
                throw new TargetSender.Unsent("broker busy", 250, null);
            }
            List<Message> copies = new ArrayList<>();
            if (batch instanceof MessageBatch) {
                copies.addAll(decodeBatch(batch)); // what the target reads: the body
            } else {
                copies.add(batch);
            }
            assertThat(copies).hasSize(count);
            List<Long> offsets = copies.stream().map(c -> Long.parseLong(c.getProperty("FERRY_SOURCE_OFFSET"))).toList();
            if (offsets.stream().anyMatch(refuses)) {
                throw new TargetSender.Refused("broker answered 13: message too large", null);
            }
            SendResult result = new SendResult();
            result.setSendStatus(SendStatus.SEND_OK);
            result.setMessageQueue(TARGET);
            result.setQueueOffset(stored.size());
            stored.addAll(offsets);
            batchSizes.add(count);
            if (timeoutAfterStoringOnSend.contains(sends)) {
                throw new TargetSender.Unsent("wait response on the channel timeout, 3000(ms)", 250, null);
            }
            return result;
        }
    }

    static List<Message> decodeBatch(Message batch) {
        try {
            return MessageDecoder.decodeMessages(ByteBuffer.wrap(batch.getBody()));
        } catch (Exception e) {
            throw new AssertionError("not a batch body", e);
        }
    }

    static final class FakeDeadLetters implements DeadLetterTopic {
        final List<Long> written = new ArrayList<>();
        Exception failure;

        @Override
        public void write(MessageExt refused, String reason) throws Exception {
            if (failure != null) {
                throw failure;
            }
            written.add(refused.getQueueOffset());
        }

        @Override
        public String describe() {
            return "FERRY_DLQ_orders-dr on A";
        }
    }

    /** One source queue, owned unless a test says not, with the offset the copier moves. */
    static final class FakeQueues implements SourceQueues {
        final Deque<Long> advances = new ArrayDeque<>();
        long offset = -1;
        boolean owned = true;

        @Override
        public long nextOffset(MessageQueue source) {
            return offset;
        }

        @Override
        public void advance(MessageQueue source, long nextOffset) {
            offset = nextOffset;
            advances.add(nextOffset);
        }

        @Override
        public boolean owns(MessageQueue source) {
            return owned;
        }
    }

    /** What the fake target holds of the source queue, read from it as the real one reads the target queue. */
    static final class FakeWatermarks implements Watermarks {
        private final FakeTarget target;
        /** Set: the target cannot tell now. */
        String unknown;
        int reads;
        private Long remembered;

        FakeWatermarks(FakeTarget target) {
            this.target = target;
        }

        @Override
        public long upTo(MessageQueue source) throws Unknown {
            if (unknown != null) {
                throw new Unknown(unknown, null);
            }
            if (remembered == null) {
                reads++;
                remembered = target.stored.stream().mapToLong(Long::longValue).max().orElse(NONE);
            }
            return remembered;
        }

        @Override
        public void unsure(MessageQueue source) {
            remembered = null;
        }

        /** This process takes the queue anew (a restart, a rebalance): the next call reads the target. */
        void newTenure() {
            remembered = null;
        }
    }
}
