package dev.ferry.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.Message;

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

    /**
     * The bytes the message takes inside an encoded batch: its framing, body and properties, encoded as
     * RocketMQ does ({@code key \u0001 value \u0002} per property, UTF-8), counted without building the
     * string, which the producer builds again when it encodes the batch (the profile showed the double work).
     */
    static int encodedSize(Message message) {
        int properties = 0;
        for (Map.Entry<String, String> property : message.getProperties().entrySet()) {
            properties += utf8Length(property.getKey()) + utf8Length(property.getValue()) + 2;
        }
        return FRAMING_BYTES + message.getBody().length + properties;
    }

    /** UTF-8 length of a string, as {@code getBytes(UTF_8).length} without the array. */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
