package dev.ferry.copy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.rocketmq.common.compression.CompressorFactory;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageVersion;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;

/**
 * Decodes the messages of one pull answer as the client's {@code MessageDecoder.decodesBatch} does (same fields, same
 * values, same properties), with less garbage per message. A copied message is decoded, stamped, sent and dropped
 * within a second: at tens of thousands a second, what its decoding allocates is what the garbage collector works
 * for, and the client's decoding allocates about 2.7 KB of it besides the body of a 1 KiB message
 * ({@code CopyPathBenchmark}). Here:
 *
 * <pre>
 *   client's decoding                                 here
 *   properties: a String of them all, then a map      the bytes as stored, read where they lie
 *   of 128 slots, new name and value Strings          ({@link ReadMessage}, {@link RawProperties})
 *   topic, hosts: new objects per message             shared while they repeat (they do, within a pull)
 *   offset message ID: computed per message           computed when asked ({@link ReadMessage})
 * </pre>
 *
 * A pull holding anything else (an inner batch to unwrap, a body left unread) is for the client's decoding.
 */
final class PullDecoder {

    private byte[] topicBytes = new byte[0];
    private String topic;
    private final LastHost bornHost = new LastHost();
    private final LastHost storeHost = new LastHost();

    /**
     * Every message of the pull, in order; null when one cannot be decoded here (the caller decodes the pull as the
     * client does, which stops at a message it cannot read).
     */
    List<MessageExt> decode(byte[] pull, boolean decompressBody) {
        ByteBuffer buffer = ByteBuffer.wrap(pull);
        List<MessageExt> messages = new ArrayList<>();
        try {
            while (buffer.hasRemaining()) {
                MessageExt message = next(buffer, decompressBody);
                if (message == null) {
                    return null;
                }
                messages.add(message);
            }
        } catch (Exception e) {
            return null;
        }
        return messages;
    }

    private MessageExt next(ByteBuffer buffer, boolean decompressBody) throws Exception {
        ReadMessage message = new ReadMessage();
        message.setStoreSize(buffer.getInt());
        MessageVersion version = MessageVersion.valueOfMagicCode(buffer.getInt());
        message.setBodyCRC(buffer.getInt());
        message.setQueueId(buffer.getInt());
        message.setFlag(buffer.getInt());
        message.setQueueOffset(buffer.getLong());
        message.setCommitLogOffset(buffer.getLong());
        int sysFlag = buffer.getInt();
        if (MessageSysFlag.check(sysFlag, MessageSysFlag.INNER_BATCH_FLAG)
            && MessageSysFlag.check(sysFlag, MessageSysFlag.NEED_UNWRAP_FLAG)) {
            return null;
        }
        message.setBornTimestamp(buffer.getLong());
        message.setBornHost(bornHost.read(buffer, (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) == 0 ? 4 : 16));
        message.setStoreTimestamp(buffer.getLong());
        message.setStoreHost(storeHost.read(buffer,
            (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) == 0 ? 4 : 16));
        message.setReconsumeTimes(buffer.getInt());
        message.setPreparedTransactionOffset(buffer.getLong());
        int bodyLength = buffer.getInt();
        if (bodyLength > 0) {
            byte[] body = new byte[bodyLength];
            buffer.get(body);
            if (decompressBody && (sysFlag & MessageSysFlag.COMPRESSED_FLAG) == MessageSysFlag.COMPRESSED_FLAG) {
                body = CompressorFactory.getCompressor(MessageSysFlag.getCompressionType(sysFlag)).decompress(body);
                sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
            }
            message.setBody(body);
        }
        message.setSysFlag(sysFlag);
        message.setTopic(topic(buffer, version.getTopicLength(buffer)));
        short propertiesLength = buffer.getShort();
        if (propertiesLength > 0) {
            byte[] properties = new byte[propertiesLength];
            buffer.get(properties);
            message.setRawProperties(properties);
        }
        return message;
    }

    /**
     * The last host read at one place of the messages (born or stored), read again in place: a host that repeats, as
     * it does within a pull, is the same object and costs no allocation (an address is immutable).
     */
    private static final class LastHost {
        private byte[] bytes = new byte[0];
        private int port = -1;
        private InetSocketAddress host;

        InetSocketAddress read(ByteBuffer buffer, int length) throws Exception {
            int at = buffer.position();
            int readPort = buffer.getInt(at + length);
            buffer.position(at + length + 4);
            if (host == null || readPort != port
                || !Arrays.equals(bytes, 0, bytes.length, buffer.array(), at, at + length)) {
                bytes = Arrays.copyOfRange(buffer.array(), at, at + length);
                port = readPort;
                host = new InetSocketAddress(InetAddress.getByAddress(bytes.clone()), port);
            }
            return host;
        }
    }

    private String topic(ByteBuffer buffer, int length) {
        int at = buffer.position();
        if (topic == null || !Arrays.equals(topicBytes, 0, topicBytes.length, buffer.array(), at, at + length)) {
            topicBytes = Arrays.copyOfRange(buffer.array(), at, at + length);
            topic = new String(topicBytes, StandardCharsets.UTF_8);
        }
        buffer.position(at + length);
        return topic;
    }
}
