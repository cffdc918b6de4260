package dev.ferry.copy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * What one message costs Ferry's CPU on the copy path, apart from the network: decoding a pull as the client does,
 * stamping the copy, and encoding the send batch. Each operation is a pull of 128 messages like the benchmark's
 * (1 KiB body, a tag, a key, three properties), so the figures are per message. Run by hand:
 *
 * <pre>
 *   mvn -q -pl ferry-core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp ferry-core/target/test-classes:ferry-core/target/classes:$(cat ferry-core/target/cp.txt) \
 *       org.openjdk.jmh.Main CopyPathBenchmark
 * </pre>
 *
 * <p>{@code decodeOnly} is the client's share, which Ferry cannot change; {@code copy} adds what Ferry does
 * ({@link OriginStamp}, {@link Batches}); {@code copyWithClientBatching} encodes the same copies the way
 * {@code DefaultMQProducer.send(Collection)} would, for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
@OperationsPerInvocation(CopyPathBenchmark.PULL)
public class CopyPathBenchmark {

    static final int PULL = 128;

    private final OriginStamp stamp = new OriginStamp("source", Map.of());
    private byte[] pulled;

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
    }

    /** The client's decoding of a pull, and the offsets it adds to every message. */
    private List<MessageExt> pull() {
        List<MessageExt> messages = MessageDecoder.decodesBatch(ByteBuffer.wrap(pulled), true, true, true);
        for (MessageExt message : messages) {
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_MIN_OFFSET, "0");
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_MAX_OFFSET, "2000");
        }
        return messages;
    }

    @Benchmark
    public List<MessageExt> decodeOnly() {
        return pull();
    }

    @Benchmark
    public Message copy() {
        List<Batches.Entry> entries = new ArrayList<>(PULL);
        Batches.Encoder encoder = new Batches.Encoder();
        for (MessageExt message : pull()) {
            entries.add(encoder.entry(stamp.stamp(message, "bench", "target").orElseThrow()));
        }
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
