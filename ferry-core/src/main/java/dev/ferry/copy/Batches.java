package dev.ferry.copy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageClientIDSetter;

/**
 * Turns the copies of one pull into the sends the target accepts, encoding each copy once.
 *
 * <p>RocketMQ refuses a batch whose encoded size is over the broker's {@code maxMessageSize}, so a batch stays
 * under a byte budget as well as a count, and a copy's size is known only once it is encoded. Measuring each copy
 * and then handing the batch to the client's own batching ({@code DefaultMQProducer.send(Collection)}) walked
 * every copy's properties twice, the second time through a string per message, a byte array of it and a buffer
 * per message: together a fifth of the copy threads' samples in the profile (see docs/benchmarks.md). So Ferry
 * encodes each copy once and writes the batch body itself, in the client's format:
 *
 * <pre>
 *   entry:  total size | magic 0 | body CRC 0 | flag | body length | body | properties length | properties
 *           (int)        (int)     (int)        (int)  (int)                  (short)
 *   properties: key \u0001 value \u0002 ... as UTF-8
 * </pre>
 *
 * <p>A copy whose properties do not fit the format's short length is never joined with others: it goes alone, as
 * a plain send, and the target judges it as it judges any message.
 */
final class Batches {

    /** Per-entry framing: total size, magic, body CRC, flag, body length, properties length. */
    private static final int FRAMING_BYTES = 4 + 4 + 4 + 4 + 4 + 2;
    private static final byte NAME_VALUE_SEPARATOR = 1;
    private static final byte PROPERTY_SEPARATOR = 2;

    private Batches() {
    }

    /** A copy and its properties, encoded once; {@link #size()} is what it adds to a batch body. */
    static final class Entry {
        final Message message;
        final byte[] properties;

        private Entry(Message message, byte[] properties) {
            this.message = message;
            this.properties = properties;
        }

        int size() {
            return properties.length > Short.MAX_VALUE
                ? Integer.MAX_VALUE / 2 // alone, whatever the budget
                : FRAMING_BYTES + message.getBody().length + properties.length;
        }
    }

    /**
     * Encodes the properties of many copies in turn through one scratch buffer, in one pass over each copy's map.
     * Not for sharing between threads.
     */
    static final class Encoder {
        private byte[] scratch = new byte[4096];

        /**
         * Encodes the copy's properties; gives it a message ID first if it has none, as the producer would (copies
         * carry their source's, so this is for messages whose producer set none).
         */
        Entry entry(Message copy) {
            MessageClientIDSetter.setUniqID(copy);
            return new Entry(copy, properties(copy.getProperties()));
        }

        /** {@code key \u0001 value \u0002} per property with a value, as UTF-8: RocketMQ's properties string. */
        byte[] properties(Map<String, String> properties) {
            int at = 0;
            for (Map.Entry<String, String> property : properties.entrySet()) {
                String value = property.getValue();
                if (value == null) {
                    continue;
                }
                String key = property.getKey();
                // No char takes more than 3 bytes (a surrogate pair, 2 chars, takes 4).
                int most = 3 * (key.length() + value.length()) + 2;
                if (scratch.length - at < most) {
                    scratch = Arrays.copyOf(scratch, Math.max(2 * scratch.length, at + most));
                }
                at = utf8(key, scratch, at);
                scratch[at++] = NAME_VALUE_SEPARATOR;
                at = utf8(value, scratch, at);
                scratch[at++] = PROPERTY_SEPARATOR;
            }
            return Arrays.copyOf(scratch, at);
        }
    }

    static <T> List<List<T>> split(List<T> items, ToIntFunction<T> size, int maxCount, int maxBytes) {
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
     * The one message to send for {@code entries} (all of one topic): a lone copy as itself, so that the target
     * judges it as a plain message (an oversized one is then refused as such, where a batch of one gets a generic
     * system error); several as a {@link MessageBatch} whose body is already encoded.
     */
    static Message join(List<Entry> entries) {
        if (entries.size() == 1) {
            return entries.get(0).message;
        }
        int total = 0;
        List<Message> copies = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            total += entry.size();
            copies.add(entry.message);
        }
        byte[] body = new byte[total];
        int at = 0;
        for (Entry entry : entries) {
            byte[] messageBody = entry.message.getBody();
            int size = entry.size();
            at = putInt(body, at, size);
            at = putInt(body, at, 0);
            at = putInt(body, at, 0);
            at = putInt(body, at, entry.message.getFlag());
            at = putInt(body, at, messageBody.length);
            System.arraycopy(messageBody, 0, body, at, messageBody.length);
            at += messageBody.length;
            body[at++] = (byte) (entry.properties.length >>> 8);
            body[at++] = (byte) entry.properties.length;
            System.arraycopy(entry.properties, 0, body, at, entry.properties.length);
            at += entry.properties.length;
        }
        Message first = copies.get(0);
        MessageBatch batch = new MessageBatch(copies);
        batch.setTopic(first.getTopic());
        batch.setWaitStoreMsgOK(first.isWaitStoreMsgOK());
        MessageClientIDSetter.setUniqID(batch);
        batch.setBody(body);
        return batch;
    }

    /** Writes {@code text} as UTF-8 at {@code at} (there is room for 3 bytes a char); returns the next position. */
    private static int utf8(String text, byte[] out, int at) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int code = Character.toCodePoint(c, text.charAt(++i));
                out[at++] = (byte) (0xF0 | (code >> 18));
                out[at++] = (byte) (0x80 | ((code >> 12) & 0x3F));
                out[at++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (code & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[at++] = '?'; // a lone surrogate, as String.getBytes(UTF_8) writes it
            } else {
                out[at++] = (byte) (0xE0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }
}
