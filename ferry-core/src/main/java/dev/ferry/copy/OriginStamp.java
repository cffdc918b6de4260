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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.rocketmq.common.message.Message;
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

    private static final String ID = MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX;

    /** What {@link #copy} returns for a message that would loop. */
    private static final Stamped LOOP = new Stamped(Optional.empty(), false);

    private static final byte[] ORIGIN_NAME = utf8(ORIGIN);
    private static final byte[] PATH_NAME = utf8(PATH);
    private static final byte[] ORIGIN_TIME_NAME = utf8(ORIGIN_TIME);
    private static final byte[] SOURCE_TOPIC_NAME = utf8(SOURCE_TOPIC);
    private static final byte[] SOURCE_BROKER_NAME = utf8(SOURCE_BROKER);
    private static final byte[] SOURCE_QUEUE_NAME = utf8(SOURCE_QUEUE);
    private static final byte[] SOURCE_OFFSET_NAME = utf8(SOURCE_OFFSET);
    private static final byte[] SIGNATURE_NAME = utf8(SIGNATURE);
    private static final byte[] ID_NAME = utf8(ID);

    private final String sourceCluster;
    private final byte[] sourceClusterUtf8;
    /** The configured stamp but for what every copy gets anyway (the FERRY_* stamp, the message ID). */
    private final Map<String, String> userStamp;
    /** A message ID the configured stamp gives a source message without one (RocketMQ's config refuses it). */
    private final String stampId;
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
        this.sourceClusterUtf8 = utf8(sourceCluster);
        Map<String, String> user = new LinkedHashMap<>(sourceStamp);
        user.keySet().removeIf(name -> PropertyFates.stamped(name) || name.equals(ID));
        this.userStamp = Collections.unmodifiableMap(user);
        this.stampId = sourceStamp.get(ID);
        this.signature = signature;
    }

    /**
     * A stamped copy, or none when it would loop.
     *
     * @param entry  the copy to write, encoded; empty when the target is on the (trusted) path
     * @param forged the source message carried a stamp that was not trusted: it is copied as a local message
     */
    record Stamped(Optional<Batches.Entry> entry, boolean forged) {

        /** The copy as a message of its own, all its properties in its map. */
        Optional<Message> copy() {
            return entry.map(Batches.Entry::message);
        }
    }

    /** True when the message has already been stored in {@code cluster}: copying it there would loop. */
    public static boolean hasVisited(MessageExt message, String cluster) {
        return onPath(message.getProperty(PATH), cluster);
    }

    /** Whether {@code cluster} is one of the comma-separated names of {@code path}. */
    private static boolean onPath(String path, String cluster) {
        if (path == null) {
            return false;
        }
        int from = 0;
        while (true) {
            int comma = path.indexOf(',', from);
            int end = comma < 0 ? path.length() : comma;
            if (end - from == cluster.length() && path.startsWith(cluster, from)) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            from = comma + 1;
        }
    }

    /** The copy to write into {@code targetCluster}'s {@code targetTopic}, or empty when that would loop. */
    public Optional<Message> stamp(MessageExt source, String targetTopic, String targetCluster) {
        return copy(source, targetTopic, targetCluster).copy();
    }

    /** As {@link #stamp}, saying whether the source's stamp was forged. */
    Stamped copy(MessageExt source, String targetTopic, String targetCluster) {
        return copy(source, targetTopic, targetCluster, new Batches.Encoder());
    }

    /**
     * As {@link #stamp}, saying whether the source's stamp was forged, the copy encoded by {@code encoder}.
     *
     * <p>The copy's properties are written straight from the source's, then the stamp, into the encoder's buffer:
     * no map, and no string for a number or the path. This runs for every message copied, and the profile showed
     * building a property map per copy and walking it again to encode it as the copy threads' largest cost. A
     * message read by Ferry's pull layer still holds its properties as stored ({@link ReadMessage}): those that
     * travel are copied byte for byte, in the one pass that notes the few the stamp reads ({@link PropertyScan}); a
     * message with a map has it encoded first. A property is written once: a source property the stamp sets is left
     * out of the first pass.
     */
    Stamped copy(MessageExt source, String targetTopic, String targetCluster, Batches.Encoder encoder) {
        if (targetCluster.equals(sourceCluster)) {
            return LOOP;
        }
        byte[] stored = storedProperties(source, encoder);
        PropertyWriter out = encoder.writer();
        PropertyScan read = encoder.scan();
        read.scan(stored, out);
        boolean forged = signature.isPresent() && read.claimsStamp()
            && !signature.get().verifies(sourceCluster, source.getProperties());
        // A forged stamp says nothing: the message is taken as produced here.
        String path = forged ? null : read.path();
        if (onPath(path, targetCluster)) {
            return LOOP;
        }
        // Each signed value's place in the buffer: start, end.
        int[] signed = signature.isPresent() ? new int[2 * StampSignature.FIELDS] : null;
        String id = read.id();
        if (id != null) {
            mark(signed, StampSignature.ID, read.idStart(), read.idEnd());
        }
        for (Map.Entry<String, String> property : userStamp.entrySet()) {
            String name = property.getKey();
            if (!(RawProperties.has(stored, name) && PropertyFates.carried(name))) {
                out.name(name).value(property.getValue()).end();
            }
        }
        String origin = forged ? null : read.origin();
        String originTime = forged ? null : read.originTime();
        int start = out.name(ORIGIN_NAME).position();
        if (origin != null) {
            out.value(origin);
        } else {
            out.value(sourceClusterUtf8);
        }
        out.end();
        mark(signed, StampSignature.ORIGIN, start, out.position() - 1);
        start = out.name(PATH_NAME).position();
        if (path != null) {
            out.value(path).value(',');
        }
        out.value(sourceClusterUtf8).end();
        mark(signed, StampSignature.PATH, start, out.position() - 1);
        start = out.name(ORIGIN_TIME_NAME).position();
        long originTimeMillis = source.getStoreTimestamp();
        if (originTime != null) {
            out.value(originTime);
            originTimeMillis = parseOr(originTime, originTimeMillis);
        } else {
            out.value(originTimeMillis);
        }
        out.end();
        mark(signed, StampSignature.ORIGIN_TIME, start, out.position() - 1);
        start = out.name(SOURCE_TOPIC_NAME).position();
        out.value(source.getTopic()).end();
        mark(signed, StampSignature.SOURCE_TOPIC, start, out.position() - 1);
        start = out.name(SOURCE_BROKER_NAME).position();
        out.value(String.valueOf(source.getBrokerName())).end();
        mark(signed, StampSignature.SOURCE_BROKER, start, out.position() - 1);
        start = out.name(SOURCE_QUEUE_NAME).position();
        out.value(source.getQueueId()).end();
        mark(signed, StampSignature.SOURCE_QUEUE, start, out.position() - 1);
        start = out.name(SOURCE_OFFSET_NAME).position();
        out.value(source.getQueueOffset()).end();
        mark(signed, StampSignature.SOURCE_OFFSET, start, out.position() - 1);
        if (id == null) {
            id = stampId != null ? stampId : derivedId(source);
            start = out.name(ID_NAME).position();
            out.value(id).end();
            mark(signed, StampSignature.ID, start, out.position() - 1);
        }
        if (signed != null) {
            // The signature is over the bytes just written, read back from the buffer.
            out.name(SIGNATURE_NAME);
            out.value(signature.get().sign(targetCluster, out.buffer(), signed)).end();
        }
        return new Stamped(Optional.of(encoder.written(targetTopic, source.getBody(), source.getFlag(), id,
            originTimeMillis)), forged);
    }

    /**
     * The source's properties as stored: as read by Ferry's pull layer, when nothing that travels was put on them
     * since (the client marks the last message of a pull with the queue's offsets, which do not); else its map,
     * encoded.
     */
    private static byte[] storedProperties(MessageExt source, Batches.Encoder encoder) {
        if (source instanceof ReadMessage read && read.rawProperties() != null && !travels(read.putSinceRead())) {
            return read.rawProperties();
        }
        return source.getProperties() == null ? new byte[0] : encoder.properties(source.getProperties());
    }

    private static boolean travels(Map<String, String> put) {
        for (String name : put.keySet()) {
            if (PropertyFates.carried(name) || PropertyFates.stamped(name)) {
                return true;
            }
        }
        return false;
    }

    private static void mark(int[] signed, int field, int start, int end) {
        if (signed != null) {
            signed[2 * field] = start;
            signed[2 * field + 1] = end;
        }
    }

    private static long parseOr(String number, long otherwise) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
}
