package dev.ferry.copy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;

/**
 * Cuts the copies of one pull into send batches that the target accepts: RocketMQ refuses a batch whose
 * encoded size is over the broker's {@code maxMessageSize}, so a batch stays under a byte budget as well as a
 * count. A single message over the budget gets a batch of its own (the target then decides).
 */
final class Batches {

    /** Per-message framing of RocketMQ's batch encoding: total size, magic, body CRC, flag, body length, properties length. */
    private static final int FRAMING_BYTES = 4 + 4 + 4 + 4 + 4 + 2;

    private Batches() {
    }

    static <T> List<List<T>> split(List<T> items, java.util.function.ToIntFunction<T> size, int maxCount, int maxBytes) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            int itemBytes = size.applyAsInt(item);
            if (!current.isEmpty() && (current.size() >= maxCount || bytes + itemBytes > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += itemBytes;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** The bytes the message takes inside an encoded batch. */
    static int encodedSize(Message message) {
        String properties = MessageDecoder.messageProperties2String(message.getProperties());
        return FRAMING_BYTES + message.getBody().length + properties.getBytes(StandardCharsets.UTF_8).length;
    }
}
