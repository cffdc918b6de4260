package dev.ferry.copy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one message costs Ferry's CPU on the copy path, apart from the network, piece by piece: decoding a pull as
 * the client does, stamping and encoding each copy, and joining the send batch. Each operation is a pull of 128
 * messages like the benchmark's (1 KiB body, a tag, a key, three properties), so the figures are per message. Run by
 * hand (short iterations: a few minutes):
 *
 * <pre>
 *   mvn -q -pl ferry-core -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp ferry-core/target/test-classes:ferry-core/target/classes:ferry-embedded/target/classes:$(cat \
 *       ferry-core/target/cp.txt) \
 *       org.openjdk.jmh.Main CopyPathBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 *
 * <ul>
 *   <li>{@code decode}: the client's decoding of a pull ({@code MessageDecoder.decodesBatch});</li>
 *   <li>{@code decodeAsFerry}: {@link PullDecoder}'s, which {@link ReadAhead} uses in its place;</li>
 *   <li>{@code stampAndEncode}: {@link OriginStamp} writing each copy's properties (of messages decoded once, as
 *       Ferry decodes them: their properties as stored);
 *       {@code stampSignedAndEncode} with a signing key;</li>
 *   <li>{@code join}: {@link Batches#join} writing the batch body of copies stamped once;</li>
 *   <li>{@code copy}: the three in turn, as {@code QueueCopier} does them, decoded as Ferry does;</li>
 *   <li>{@code copyWithClientBatching}: the same copies as messages with their maps, encoded as
 *       {@code DefaultMQProducer.send(Collection)} would, for comparison.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
@OperationsPerInvocation(CopyPathBenchmark.PULL)
public class CopyPathBenchmark {

    static final int PULL = 128;

    private final OriginStamp stamp = new OriginStamp("source", Map.of());
    private final OriginStamp signedStamp = new OriginStamp("source", Map.of(), Optional.of(new StampSignature(
        new SecretKeySpec("the deployment's key, 32 bytes or more".getBytes(StandardCharsets.UTF_8), "HmacSHA256"))));
    private final Batches.Encoder encoder = new Batches.Encoder();
    private final PullDecoder decoder = new PullDecoder();
    private byte[] pulled;
    private List<MessageExt> decoded;
    private List<Batches.Entry> stamped;

    @Setup
    public void setUp() throws Exception {
        byte[] body = new byte[1024];
        Arrays.fill(body, (byte) 'x');
        List<byte[]> stored = new ArrayList<>();
        int total = 0;
        for (int seq = 0; seq < PULL; seq++) {
            MessageExt message = new MessageExt();
            message.setTopic("bench");
            message.setBody(body);
            message.setTags("tag-" + seq % 8);
            message.setKeys("bench-run-" + seq);
            message.putUserProperty("bench-run", "bench-run");
            message.putUserProperty("bench-seq", Integer.toString(seq));
            message.putUserProperty("region", seq % 2 == 0 ? "east" : "west");
            MessageClientIDSetter.setUniqID(message);
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "true");
            message.setQueueId(3);
            message.setQueueOffset(1_000 + seq);
            message.setCommitLogOffset(1_000_000L + seq * 1_300L);
            message.setBornTimestamp(System.currentTimeMillis());
            message.setStoreTimestamp(System.currentTimeMillis());
            message.setBornHost(new InetSocketAddress("127.0.0.1", 40_000));
            message.setStoreHost(new InetSocketAddress("127.0.0.1", 10_911));
            byte[] encoded = MessageDecoder.encode(message, false);
            stored.add(encoded);
            total += encoded.length;
        }
        pulled = new byte[total];
        int at = 0;
        for (byte[] one : stored) {
            System.arraycopy(one, 0, pulled, at, one.length);
            at += one.length;
        }
        decoded = pullAsFerry();
        stamped = stampAndEncode(decoded, stamp);
    }

    /** The client's decoding of a pull, and the offsets it adds to every message. */
    private List<MessageExt> pull() {
        List<MessageExt> messages = MessageDecoder.decodesBatch(ByteBuffer.wrap(pulled), true, true, true);
        for (MessageExt message : messages) {
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_MIN_OFFSET, "0");
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_MAX_OFFSET, "2000");
            message.setBrokerName("broker-a");
        }
        return messages;
    }

    /** {@link PullDecoder}'s decoding of the pull, the offsets on its last message as {@link ReadAhead} puts them. */
    private List<MessageExt> pullAsFerry() {
        List<MessageExt> messages = decoder.decode(pulled, true);
        for (MessageExt message : messages) {
            message.setBrokerName("broker-a");
        }
        MessageExt last = messages.get(messages.size() - 1);
        MessageAccessor.putProperty(last, MessageConst.PROPERTY_MIN_OFFSET, "0");
        MessageAccessor.putProperty(last, MessageConst.PROPERTY_MAX_OFFSET, "2000");
        return messages;
    }

    private List<Batches.Entry> stampAndEncode(List<MessageExt> messages, OriginStamp with) {
        List<Batches.Entry> entries = new ArrayList<>(messages.size());
        for (MessageExt message : messages) {
            entries.add(with.copy(message, "bench", "target", encoder).entry().orElseThrow());
        }
        return entries;
    }

    @Benchmark
    public List<MessageExt> decode() {
        return pull();
    }

    @Benchmark
    public List<MessageExt> decodeAsFerry() {
        return pullAsFerry();
    }

    @Benchmark
    public List<Batches.Entry> stampAndEncode() {
        return stampAndEncode(decoded, stamp);
    }

    @Benchmark
    public List<Batches.Entry> stampSignedAndEncode() {
        return stampAndEncode(decoded, signedStamp);
    }

    @Benchmark
    public Message join() {
        return Batches.join(stamped);
    }

    @Benchmark
    public Message copy() {
        List<Batches.Entry> entries = stampAndEncode(pullAsFerry(), stamp);
        return Batches.join(Batches.split(entries, Batches.Entry::size, PULL, 1024 * 1024).get(0));
    }

    @Benchmark
    public Message copyWithClientBatching() {
        List<Message> copies = new ArrayList<>(PULL);
        for (MessageExt message : pull()) {
            copies.add(stamp.stamp(message, "bench", "target").orElseThrow());
        }
        MessageBatch batch = MessageBatch.generateFromList(copies);
        for (Message copy : batch) {
            MessageClientIDSetter.setUniqID(copy);
        }
        batch.setBody(batch.encode());
        return batch;
    }
}
