package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;

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

    private Batches() {
    }

    /**
     * A copy and its properties, encoded once; {@link #size()} is what it adds to a batch body.
     *
     * <p>A stamped copy's properties exist only as bytes ({@link OriginStamp} writes them straight from the source's
     * map): in a batch nothing else reads them, and the client asks its copies for their message IDs only (to name
     * the send in its result), so a copy carries just that. A copy sent alone is encoded by the client from its
     * map, so {@link #message()} gives it the map its bytes decode to, exactly what the target reads from them.
     */
    static final class Entry {
        private final Message message;
        final byte[] properties;
        private final long originTimeMillis;
        private boolean whole;

        private Entry(Message message, byte[] properties, long originTimeMillis, boolean whole) {
            this.message = message;
            this.properties = properties;
            this.originTimeMillis = originTimeMillis;
            this.whole = whole;
        }

        int size() {
            return properties.length > Short.MAX_VALUE
                ? Integer.MAX_VALUE / 2 // alone, whatever the budget
                : FRAMING_BYTES + message.getBody().length + properties.length;
        }

        /** The copy with all its properties, to be sent as a message of its own. */
        Message message() {
            if (!whole) {
                MessageAccessor.setProperties(message,
                    MessageDecoder.string2messageProperties(new String(properties, StandardCharsets.UTF_8)));
                whole = true;
            }
            return message;
        }

        int bodyLength() {
            return message.getBody().length;
        }

        /** When the message was first stored, on its origin cluster; -1 when the copy does not say. */
        long originTimeMillis() {
            return originTimeMillis;
        }
    }

    /**
     * Encodes the properties of many copies in turn through one scratch buffer, in one pass over each copy's map.
     * Not for sharing between threads.
     */
    static final class Encoder {
        private final PropertyWriter writer = new PropertyWriter();
        private final PropertyScan scan = new PropertyScan();

        /** Reads a source message's stored properties for the copy written next ({@link OriginStamp}). */
        PropertyScan scan() {
            return scan;
        }

        /**
         * Encodes the copy's properties; gives it a message ID first if it has none, as the producer would (copies
         * carry their source's, so this is for messages whose producer set none).
         */
        Entry entry(Message copy) {
            MessageClientIDSetter.setUniqID(copy);
            String originTime = copy.getProperty(FerryNames.ORIGIN_TIME);
            long originTimeMillis = -1;
            if (originTime != null) {
                try {
                    originTimeMillis = Long.parseLong(originTime);
                } catch (NumberFormatException e) {
                    // as if absent
                }
            }
            return new Entry(copy, properties(copy.getProperties()), originTimeMillis, true);
        }

        /** {@code key \u0001 value \u0002} per property with a value, as UTF-8: RocketMQ's properties string. */
        byte[] properties(Map<String, String> properties) {
            writer.reset();
            for (Map.Entry<String, String> property : properties.entrySet()) {
                String value = property.getValue();
                if (value != null) {
                    writer.name(property.getKey()).value(value).end();
                }
            }
            return writer.toByteArray();
        }

        /** Where a copy's properties are written, one copy after another: {@link #written} ends each. */
        PropertyWriter writer() {
            writer.reset();
            return writer;
        }

        /** The copy whose properties were just written, with message ID {@code id} (one of them). */
        Entry written(String topic, byte[] body, int flag, String id, long originTimeMillis) {
            Message copy = new IdOnly(id);
            copy.setTopic(topic);
            copy.setBody(body);
            copy.setFlag(flag);
            return new Entry(copy, writer.toByteArray(), originTimeMillis, false);
        }
    }

    /**
     * A copy in a batch, whose properties are its entry's bytes: it answers for its message ID only (what the client
     * asks of each copy of a batch, to name the send in its result), without a map per copy, until it is given
     * its map ({@link Entry#message()}).
     */
    private static final class IdOnly extends Message {
        private final String id;

        IdOnly(String id) {
            this.id = id;
        }

        @Override
        public String getProperty(String name) {
            if (super.getProperties() == null) {
                return MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX.equals(name) ? id : null;
            }
            return super.getProperty(name);
        }

        @Override
        public boolean hasProperty(String name) {
            return super.getProperties() == null ? getProperty(name) != null : super.hasProperty(name);
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
            return entries.get(0).message();
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
        // No message ID of the batch's own, though the 5.5 producer gives its batches one: brokers from 4.8.0 until
        // 5.3.x (apache/rocketmq#2343, undone by #9417) store the batch's properties after each message's, and the
        // later of two same-named properties wins when a message is read, so on such a target every copy of the
        // batch would carry the batch's ID instead of its source's (Rocketmq4CompatibilityTest shows it on 4.9.7).
        batch.setBody(body);
        return batch;
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }
}
