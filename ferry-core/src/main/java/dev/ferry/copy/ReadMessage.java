package dev.ferry.copy;

import java.util.Map;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageDecoder;

/**
 * A message as {@link PullDecoder} reads it from a pull: the client's message, but its properties kept as the bytes
 * stored ({@link RawProperties}) until something asks for them all, and its offset message ID computed when first
 * asked. Looking up one property reads the bytes; {@link #getProperties()} decodes them into the client's map once,
 * and from then on the message is an ordinary one.
 *
 * <pre>
 *   raw (as read)  + map (what the client put since) --getProperties()--> map (raw decoded, then what was put)
 *   getProperty(n) = map's n, else raw's n
 * </pre>
 *
 * <p>The client puts a few properties on messages it has read ({@code MessageAccessor.putProperty}, package-private
 * in {@code Message}, so not overridable here): such a put lands in the map, and lookups see it before the bytes.
 * The client never clears a property of a message it read; a clear of a property still in the bytes would not take.
 */
final class ReadMessage extends MessageClientExt {

    /** The stored properties, until decoded into the map; null after, or when the message had none. */
    private byte[] raw;
    /** {@link RawProperties#nameLengths} of {@code raw}, worked out at the first lookup; 0 before. */
    private long nameLengths;

    void setRawProperties(byte[] raw) {
        this.raw = raw;
        this.nameLengths = 0;
    }

    /** The properties as stored, or null once decoded into the map (or when the message had none). */
    byte[] rawProperties() {
        return raw;
    }

    /** What was put on the message since it was read, while its properties are still raw: seen before them. */
    Map<String, String> putSinceRead() {
        Map<String, String> put = super.getProperties();
        return put == null ? Map.of() : put;
    }

    @Override
    public String getProperty(String name) {
        Map<String, String> put = super.getProperties();
        String value = put == null ? null : put.get(name);
        return value != null || !mayHold(name) ? value : RawProperties.get(raw, name);
    }

    @Override
    public boolean hasProperty(String name) {
        Map<String, String> put = super.getProperties();
        return put != null && put.containsKey(name) || mayHold(name) && RawProperties.has(raw, name);
    }

    /** Whether the stored properties may hold {@code name}: false for most names they do not. */
    private boolean mayHold(String name) {
        if (raw == null) {
            return false;
        }
        if (nameLengths == 0) {
            nameLengths = RawProperties.nameLengths(raw);
        }
        return RawProperties.mayHold(nameLengths, name);
    }

    @Override
    public Map<String, String> getProperties() {
        if (raw != null) {
            Map<String, String> all = RawProperties.toMap(raw);
            Map<String, String> put = super.getProperties();
            if (put != null) {
                all.putAll(put);
            }
            raw = null;
            MessageAccessor.setProperties(this, all);
        }
        return super.getProperties();
    }

    @Override
    public String getOffsetMsgId() {
        String id = super.getOffsetMsgId();
        if (id == null && getStoreHost() != null) {
            id = MessageDecoder.createMessageId(getStoreHost(), getCommitLogOffset());
            setOffsetMsgId(id);
        }
        return id;
    }

    @Override
    public String toString() {
        getProperties();
        return super.toString();
    }
}
