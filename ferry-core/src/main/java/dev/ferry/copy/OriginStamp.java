package dev.ferry.copy;

import static dev.ferry.names.FerryNames.ORIGIN;
import static dev.ferry.names.FerryNames.ORIGIN_TIME;
import static dev.ferry.names.FerryNames.PATH;
import static dev.ferry.names.FerryNames.SIGNATURE;
import static dev.ferry.names.FerryNames.SOURCE_BROKER;
import static dev.ferry.names.FerryNames.SOURCE_OFFSET;
import static dev.ferry.names.FerryNames.SOURCE_QUEUE;
import static dev.ferry.names.FerryNames.SOURCE_TOPIC;

import dev.ferry.names.FerryNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Turns a message read on one cluster into the message Ferry writes to the next: the same body, tags, keys,
 * message ID and user properties, plus the {@code FERRY_*} properties that say where it came from.
 *
 * <pre>
 *   produced on A          copied A -> B                       copied B -> C
 *   (no FERRY_*)           FERRY_ORIGIN=A  FERRY_PATH=A        FERRY_ORIGIN=A  FERRY_PATH=A,B
 * </pre>
 *
 * <p>A copy carries the source's body, flag, tags, keys, message ID and FIFO message group; a source message
 * without an ID gets one derived from where it was read ({@code FERRY_SOURCE_*} name it exactly).
 *
 * <p>The properties are named by {@link FerryNames}. Invariants:
 * <ul>
 *   <li>{@code FERRY_ORIGIN} and {@code FERRY_ORIGIN_TIME} are set on the first hop and never changed after.</li>
 *   <li>{@code FERRY_PATH} lists every cluster the message was stored in before the one it is read from now,
 *       origin first. A message is never written to a cluster on its path (nor back to where it is read),
 *       so two-way backups and rings do not loop.</li>
 *   <li>RocketMQ's system properties are not carried over: delay and timer properties would delay the copy
 *       again, the transaction flag would turn it into a half message, and the rest describe the source's
 *       storage. Only tags, keys and the message ID ({@code UNIQ_KEY}) among them travel.</li>
 *   <li>A cluster's stamp never overwrites a property the message already has, so in a chain the stamp of
 *       the unit that produced it survives the hops through regions.</li>
 * </ul>
 *
 * <p>Anyone who produces a message can set {@code FERRY_*} properties, and a {@code FERRY_PATH} naming the target
 * would have its message passed over as a loop: lost without a sound. With a signing key (shared by the Ferry
 * processes of a deployment), every copy also carries {@code FERRY_SIGNATURE} (see {@link StampSignature}), and
 * only a stamp whose signature verifies is trusted:
 *
 * <pre>
 *   message read           FERRY_* stamp          what happens
 *   no FERRY_* at all      (local)                copied, stamped and signed afresh
 *   signed, verifies       trusted                loop check on its path; copied with the path extended, re-signed
 *   any other FERRY_*      forged (or stale)      copied as a local message: its FERRY_* replaced, signed; counted
 * </pre>
 *
 * Without a key, every stamp is trusted, as before signing existed, and a {@code FERRY_SIGNATURE} read is not
 * carried (it would no longer match the stamp).
 */
public final class OriginStamp {

    /** Properties of the stamp proper, set on every copy (the message ID may be as well). */
    private static final int STAMP_PROPERTIES = 9;

    /**
     * RocketMQ system properties that are part of the message itself and travel with the copy: tags, keys, the
     * message ID, and the FIFO message group (a 5.x FIFO topic's consumers order by it).
     */
    private static final List<String> KEPT_SYSTEM_PROPERTIES = List.of(
        MessageConst.PROPERTY_TAGS, MessageConst.PROPERTY_KEYS, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        MessageConst.PROPERTY_SHARDING_KEY);

    /** What {@link #copy} returns for a message that would loop. */
    private static final Stamped LOOP = new Stamped(Optional.empty(), false);

    private final String sourceCluster;
    private final Map<String, String> sourceStamp;
    private final Optional<StampSignature> signature;

    /**
     * Stamps neither signed nor checked: every stamp read is trusted.
     *
     * @param sourceCluster the name of the cluster messages are read from
     * @param sourceStamp   the user properties added to every message copied out of it
     */
    public OriginStamp(String sourceCluster, Map<String, String> sourceStamp) {
        this(sourceCluster, sourceStamp, Optional.empty());
    }

    /** With a {@code signature}, stamps are signed, and only signed ones trusted. */
    OriginStamp(String sourceCluster, Map<String, String> sourceStamp, Optional<StampSignature> signature) {
        this.sourceCluster = sourceCluster;
        this.sourceStamp = Map.copyOf(sourceStamp);
        this.signature = signature;
    }

    /**
     * A stamped copy, or none when it would loop.
     *
     * @param copy   the message to write; empty when the target is on the (trusted) path
     * @param forged the source message carried a stamp that was not trusted: it is copied as a local message
     */
    record Stamped(Optional<Message> copy, boolean forged) {
    }

    /** True when the message has already been stored in {@code cluster}: copying it there would loop. */
    public static boolean hasVisited(MessageExt message, String cluster) {
        return onPath(message.getProperty(PATH), cluster);
    }

    private static boolean onPath(String path, String cluster) {
        return path != null && Arrays.asList(path.split(",")).contains(cluster);
    }

    /** The copy to write into {@code targetCluster}'s {@code targetTopic}, or empty when that would loop. */
    public Optional<Message> stamp(MessageExt source, String targetTopic, String targetCluster) {
        return copy(source, targetTopic, targetCluster).copy();
    }

    /** As {@link #stamp}, saying whether the source's stamp was forged. */
    Stamped copy(MessageExt source, String targetTopic, String targetCluster) {
        if (targetCluster.equals(sourceCluster)) {
            return LOOP;
        }
        boolean forged = signature.isPresent() && claimsStamp(source)
            && !signature.get().verifies(sourceCluster, source.getProperties());
        // A forged stamp says nothing: the message is taken as produced here.
        String path = forged ? null : source.getProperty(PATH);
        if (onPath(path, targetCluster)) {
            return LOOP;
        }
        // One pass over the source's properties into a map sized for the stamp as well: this runs for every
        // message copied, and the profile showed the property maps as the copy threads' largest cost.
        Map<String, String> properties = carriedProperties(source, STAMP_PROPERTIES + sourceStamp.size());
        sourceStamp.forEach(properties::putIfAbsent);
        String origin = forged ? null : source.getProperty(ORIGIN);
        String originTime = forged ? null : source.getProperty(ORIGIN_TIME);
        properties.put(ORIGIN, origin != null ? origin : sourceCluster);
        properties.put(PATH, path == null ? sourceCluster : path + "," + sourceCluster);
        properties.put(ORIGIN_TIME, originTime != null ? originTime : Long.toString(source.getStoreTimestamp()));
        properties.put(SOURCE_TOPIC, source.getTopic());
        properties.put(SOURCE_BROKER, String.valueOf(source.getBrokerName()));
        properties.put(SOURCE_QUEUE, Integer.toString(source.getQueueId()));
        properties.put(SOURCE_OFFSET, Long.toString(source.getQueueOffset()));
        properties.computeIfAbsent(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, key -> derivedId(source));
        if (signature.isPresent()) {
            properties.put(SIGNATURE, signature.get().sign(targetCluster, properties));
        } else {
            properties.remove(SIGNATURE);
        }
        Message copy = new Message(targetTopic, source.getBody());
        copy.setFlag(source.getFlag());
        MessageAccessor.setProperties(copy, properties);
        return new Stamped(Optional.of(copy), forged);
    }

    /** Whether the message carries any property of a stamp: a local message carries none. */
    private static boolean claimsStamp(MessageExt source) {
        Map<String, String> properties = source.getProperties();
        for (String name : FerryNames.STAMP) {
            if (properties.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A message ID for a source message that has none (produced by a client that sets no {@code UNIQ_KEY}, or
     * written straight into a store): derived from where it was read, so every copy of it, re-copies after a
     * crash included, carries the same ID and idempotent consumers can tell them apart. 32 hex digits, as
     * RocketMQ's own IDs.
     */
    private String derivedId(MessageExt source) {
        String where = sourceCluster + '/' + source.getTopic() + '/' + source.getBrokerName() + '/'
            + source.getQueueId() + '/' + source.getQueueOffset();
        return UUID.nameUUIDFromBytes(where.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "")
            .toUpperCase(Locale.ROOT);
    }

    /**
     * A new message on {@code topic} with what travels of {@code source}: the body, tags, keys, message ID and
     * user properties.
     */
    static Message carried(MessageExt source, String topic) {
        Message copy = new Message(topic, source.getBody());
        copy.setFlag(source.getFlag());
        MessageAccessor.setProperties(copy, carriedProperties(source, 0));
        return copy;
    }

    /** What travels of the source's properties, in a map with room for {@code more}. */
    private static Map<String, String> carriedProperties(MessageExt source, int more) {
        // Straight from the map rather than through putUserProperty: the source may hold values putUserProperty
        // refuses (blank ones), and a copy must carry what the source has, not what today's client would accept.
        Map<String, String> from = source.getProperties();
        Map<String, String> carried = new HashMap<>((int) ((from.size() + more) / 0.75f) + 1);
        for (Map.Entry<String, String> property : from.entrySet()) {
            String key = property.getKey();
            if (MessageConst.STRING_HASH_SET.contains(key) ? KEPT_SYSTEM_PROPERTIES.contains(key)
                : !key.startsWith(MessageConst.PROPERTY_TRANSIENT_PREFIX)) {
                carried.put(key, property.getValue());
            }
        }
        return carried;
    }
}
