package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Ferry's decoding of a pull gives exactly what the client's {@code MessageDecoder.decodesBatch} gives. */
class PullDecoderTest {

    private static final Random SEEDS = new Random();

    @RepeatedTest(20)
    void decodesAPullAsTheClientDoes() throws Exception {
        long seed = SEEDS.nextLong();
        Random random = new Random(seed);
        byte[] pull = pull(random, 1 + random.nextInt(40));

        List<MessageExt> client = MessageDecoder.decodesBatch(ByteBuffer.wrap(pull), true, true, true);
        List<MessageExt> ferry = new PullDecoder().decode(pull, true);

        assertThat(ferry).as("seed %d", seed).hasSameSizeAs(client);
        for (int i = 0; i < client.size(); i++) {
            assertSame(ferry.get(i), client.get(i), "seed " + seed + ", message " + i);
        }
    }

    @Test
    void aDecoderKeepsNoStateThatLeaksFromOnePullIntoTheNext() throws Exception {
        PullDecoder decoder = new PullDecoder();
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            byte[] pull = pull(random, 1 + random.nextInt(10));
            List<MessageExt> client = MessageDecoder.decodesBatch(ByteBuffer.wrap(pull), true, true, true);
            List<MessageExt> ferry = decoder.decode(pull, true);
            for (int i = 0; i < client.size(); i++) {
                assertSame(ferry.get(i), client.get(i), "round " + round + ", message " + i);
            }
        }
    }

    @Test
    void whatIsPutOnAMessageReadIsSeenBeforeItsStoredPropertiesAndKeptWhenTheyAreDecoded() throws Exception {
        MessageExt stored = message(new Random(3), 1);
        stored.setTags("tag-1");
        stored.putUserProperty("seq", "1");
        MessageExt read = new PullDecoder().decode(MessageDecoder.encode(stored, false), true).get(0);
        MessageAccessor.putProperty(read, "seq", "put");
        MessageAccessor.putProperty(read, MessageConst.PROPERTY_MAX_OFFSET, "9");

        assertThat(read.getProperty("seq")).isEqualTo("put");
        assertThat(read.getTags()).as("still read from the stored bytes").isEqualTo("tag-1");
        assertThat(read.getProperties()).containsEntry("seq", "put").containsEntry(MessageConst.PROPERTY_MAX_OFFSET,
            "9").containsKey(MessageConst.PROPERTY_TAGS);
        assertThat(((ReadMessage) read).rawProperties()).as("decoded once, an ordinary message since").isNull();
    }

    @Test
    void aHostThatRepeatsIsOneObjectAndOneThatChangesIsReadAfresh() throws Exception {
        Random random = new Random(5);
        MessageExt first = message(random, 0);
        MessageExt second = message(random, 1);
        MessageExt third = message(random, 2);
        first.setBornHost(new InetSocketAddress("127.0.0.2", 40_000));
        second.setBornHost(new InetSocketAddress("127.0.0.2", 40_000));
        third.setBornHost(new InetSocketAddress("127.0.0.2", 40_001));
        for (MessageExt message : List.of(first, second, third)) {
            message.setSysFlag(message.getSysFlag() & ~MessageSysFlag.BORNHOST_V6_FLAG);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MessageExt message : List.of(first, second, third)) {
            out.write(MessageDecoder.encode(message, false));
        }

        List<MessageExt> read = new PullDecoder().decode(out.toByteArray(), true);

        assertThat(read.get(1).getBornHost()).isSameAs(read.get(0).getBornHost());
        assertThat(read.get(2).getBornHost()).isEqualTo(new InetSocketAddress("127.0.0.2", 40_001));
    }

    @Test
    void leavesAPullWithAnInnerBatchToTheClient() throws Exception {
        MessageExt message = message(new Random(1), 0);
        message.setSysFlag(MessageSysFlag.INNER_BATCH_FLAG | MessageSysFlag.NEED_UNWRAP_FLAG);

        assertThat(new PullDecoder().decode(MessageDecoder.encode(message, false), true)).isNull();
    }

    @Test
    void leavesAPullItCannotReadToTheClient() {
        assertThat(new PullDecoder().decode(new byte[] {0, 0, 0, 9, 1, 2}, true)).isNull();
    }

    private static void assertSame(MessageExt ferry, MessageExt client, String which) {
        assertThat(ferry).as(which).isInstanceOf(MessageClientExt.class);
        // Looked up one by one while still as stored, then all at once (the client's message makes an empty map
        // for a lookup where it had none).
        Map<String, String> properties = client.getProperties() == null ? null : Map.copyOf(client.getProperties());
        for (String name : properties == null ? Set.<String>of() : properties.keySet()) {
            assertThat(ferry.getProperty(name)).as(which + ", " + name).isEqualTo(client.getProperty(name));
            assertThat(ferry.hasProperty(name)).as(which + ", " + name).isTrue();
        }
        assertThat(ferry.getProperty("absent")).as(which).isNull();
        assertThat(ferry.getTags()).as(which).isEqualTo(client.getTags());
        assertThat(ferry.getKeys()).as(which).isEqualTo(client.getKeys());
        assertThat(ferry.getMsgId()).as(which).isEqualTo(client.getMsgId());
        assertThat(ferry.getTopic()).as(which).isEqualTo(client.getTopic());
        assertThat(ferry.getBody()).as(which).isEqualTo(client.getBody());
        assertThat(ferry.getProperties()).as(which).isEqualTo(properties);
        assertThat(ferry.getFlag()).as(which).isEqualTo(client.getFlag());
        assertThat(ferry.getSysFlag()).as(which).isEqualTo(client.getSysFlag());
        assertThat(ferry.getQueueId()).as(which).isEqualTo(client.getQueueId());
        assertThat(ferry.getQueueOffset()).as(which).isEqualTo(client.getQueueOffset());
        assertThat(ferry.getCommitLogOffset()).as(which).isEqualTo(client.getCommitLogOffset());
        assertThat(ferry.getStoreSize()).as(which).isEqualTo(client.getStoreSize());
        assertThat(ferry.getBodyCRC()).as(which).isEqualTo(client.getBodyCRC());
        assertThat(ferry.getBornTimestamp()).as(which).isEqualTo(client.getBornTimestamp());
        assertThat(ferry.getStoreTimestamp()).as(which).isEqualTo(client.getStoreTimestamp());
        assertThat(ferry.getBornHost()).as(which).isEqualTo(client.getBornHost());
        assertThat(ferry.getStoreHost()).as(which).isEqualTo(client.getStoreHost());
        assertThat(ferry.getReconsumeTimes()).as(which).isEqualTo(client.getReconsumeTimes());
        assertThat(ferry.getPreparedTransactionOffset()).as(which).isEqualTo(client.getPreparedTransactionOffset());
        assertThat(((MessageClientExt) ferry).getOffsetMsgId()).as(which)
            .isEqualTo(((MessageClientExt) client).getOffsetMsgId());
    }

    /** Messages as a broker stores them, one after another, as a pull answers them. */
    private static byte[] pull(Random random, int count) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.write(MessageDecoder.encode(message(random, i), false));
        }
        return out.toByteArray();
    }

    private static MessageExt message(Random random, int seq) throws Exception {
        MessageExt message = new MessageExt();
        message.setTopic(random.nextInt(4) == 0 ? "other-" + random.nextInt(3) : "orders");
        byte[] body = new byte[random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(2048)];
        random.nextBytes(body);
        int sysFlag = 0;
        if (body.length > 0 && random.nextInt(4) == 0) {
            body = CompressorFactory.getCompressor(CompressionType.ZLIB).compress(body, 5);
            sysFlag |= MessageSysFlag.COMPRESSED_FLAG | CompressionType.ZLIB.getCompressionFlag();
        }
        message.setBody(body);
        switch (random.nextInt(4)) {
            case 0 -> {
                // no property at all
            }
            case 1 -> {
                message.setTags("tag-" + seq % 3);
                MessageClientIDSetter.setUniqID(message);
            }
            default -> {
                message.setTags("tag-" + seq % 3);
                message.setKeys("key-" + seq + " other-key");
                MessageClientIDSetter.setUniqID(message);
                message.putUserProperty("région", "été " + random.nextInt(100));
                message.putUserProperty("seq", Integer.toString(seq));
                message.putUserProperty("seq", "again-" + seq);
                MessageAccessor.putProperty(message, MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "true");
                MessageAccessor.putProperty(message, "x", "");
                message.putUserProperty("a", Integer.toString(seq % 10));
            }
        }
        message.setFlag(random.nextInt(8));
        message.setQueueId(random.nextInt(16));
        message.setQueueOffset(random.nextInt(1_000_000));
        message.setCommitLogOffset(random.nextLong() & Long.MAX_VALUE);
        message.setBornTimestamp(random.nextLong() & Long.MAX_VALUE);
        message.setStoreTimestamp(random.nextLong() & Long.MAX_VALUE);
        if (random.nextInt(5) == 0) {
            message.setBornHost(new InetSocketAddress("::" + (1 + random.nextInt(2)), 40_000 + random.nextInt(3)));
            sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
        } else {
            message.setBornHost(new InetSocketAddress("127.0.0." + (1 + random.nextInt(3)), 40_000 + random.nextInt(3)));
        }
        if (random.nextInt(5) == 0) {
            message.setStoreHost(new InetSocketAddress("::1", 10_911));
            sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
        } else {
            message.setStoreHost(new InetSocketAddress("127.0.0.1", 10_911));
        }
        message.setReconsumeTimes(random.nextInt(3));
        message.setPreparedTransactionOffset(random.nextInt(5));
        message.setSysFlag(sysFlag);
        message.setBodyCRC(Integer.hashCode(new String(body, StandardCharsets.ISO_8859_1).hashCode()));
        return message;
    }
}
