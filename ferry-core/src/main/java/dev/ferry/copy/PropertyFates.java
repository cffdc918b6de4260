package dev.ferry.copy;

import dev.ferry.names.FerryNames;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What becomes of each property of a source message on its way to a copy: carried as it is (user properties,
 * tags, keys, the message ID, the FIFO group), dropped (RocketMQ's system properties the target sets anew, transient
 * ones), or written afresh by the {@link OriginStamp} (the {@code FERRY_*} stamp, its signature).
 */
final class PropertyFates {

    /**
     * RocketMQ system properties that are part of the message itself and travel with the copy: tags, keys, the
     * message ID, and the FIFO message group (a 5.x FIFO topic's consumers order by it).
     */
    private static final List<String> KEPT_SYSTEM_PROPERTIES = List.of(
        MessageConst.PROPERTY_TAGS, MessageConst.PROPERTY_KEYS, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        MessageConst.PROPERTY_SHARDING_KEY);

    /** What becomes of a source property with this name; a name not here travels unless it is transient. */
    private enum Fate { CARRIED, DROPPED, STAMPED }

    private static final Map<String, Fate> FATES = fates();

    private PropertyFates() {
    }

    /** Whether a source property with this name travels with the copy as it is. */
    static boolean carried(String name) {
        Fate fate = FATES.get(name);
        return fate == null ? !name.startsWith(MessageConst.PROPERTY_TRANSIENT_PREFIX) : fate == Fate.CARRIED;
    }

    /** Whether a property with this name is the stamp's: written afresh on every copy. */
    static boolean stamped(String name) {
        return FATES.get(name) == Fate.STAMPED;
    }

    /**
     * RocketMQ's system properties are carried only when part of the message itself; the stamp's own are written
     * afresh (a signature read is never carried: it would not match the stamp).
     */
    private static Map<String, Fate> fates() {
        Map<String, Fate> fates = new HashMap<>();
        for (String name : MessageConst.STRING_HASH_SET) {
            fates.put(name, KEPT_SYSTEM_PROPERTIES.contains(name) ? Fate.CARRIED : Fate.DROPPED);
        }
        for (String name : FerryNames.STAMP) {
            fates.put(name, Fate.STAMPED);
        }
        fates.put(FerryNames.SIGNATURE, Fate.STAMPED);
        // A HashMap, not Map.copyOf: looked up for every property of every message, and a HashMap compares the
        // String's cached hash before equals, where the immutable map's probe calls equals on every slot it visits
        // (a third of the stamping's samples).
        return Collections.unmodifiableMap(fates);
    }

    /**
     * A new message on {@code topic} with what travels of {@code source}: the body, tags, keys, message ID and
     * user properties.
     */
    static Message carried(MessageExt source, String topic) {
        Message copy = new Message(topic, source.getBody());
        copy.setFlag(source.getFlag());
        MessageAccessor.setProperties(copy, carriedProperties(source));
        return copy;
    }

    /** What travels of the source's properties, its stamp included (a dead letter keeps it as read). */
    private static Map<String, String> carriedProperties(MessageExt source) {
        // Straight from the map rather than through putUserProperty: the source may hold values putUserProperty
        // refuses (blank ones), and a copy must carry what the source has, not what today's client would accept.
        Map<String, String> from = source.getProperties();
        Map<String, String> carried = new HashMap<>();
        for (Map.Entry<String, String> property : from.entrySet()) {
            String key = property.getKey();
            if (stamped(key) || carried(key)) {
                carried.put(key, property.getValue());
            }
        }
        return carried;
    }
}
