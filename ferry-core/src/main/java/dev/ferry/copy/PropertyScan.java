package dev.ferry.copy;

import static dev.ferry.names.FerryNames.ORIGIN;
import static dev.ferry.names.FerryNames.ORIGIN_TIME;
import static dev.ferry.names.FerryNames.PATH;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.common.message.MessageConst;

/**
 * One pass over a source message's stored properties ({@link RawProperties}) on its way to a copy: writes those that
 * travel, byte for byte, and notes what the {@link OriginStamp} reads (the message ID, the stamp's origin, path and
 * time, whether it claims a stamp at all). One pass, because this runs for every message copied: looking each of
 * these up apart walked the bytes four times.
 *
 * <p>An entry the client would skip is skipped; of two with one name both are written, and the later wins on the
 * target as it does here (so the values noted are the later ones too). The message ID is written from its decoded
 * value, as a copy from a map writes it, so that a signature over it verifies however its bytes were formed.
 * Not for sharing between threads: one per {@link Batches.Encoder}.
 */
final class PropertyScan {

    private static final String ID = MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX;
    private static final byte[] ID_NAME = ID.getBytes(StandardCharsets.UTF_8);

    private final PropertyNames names = new PropertyNames();
    private String id;
    private int idStart;
    private int idEnd;
    private String path;
    private String origin;
    private String originTime;
    private boolean claimsStamp;

    /** Writes what travels of {@code stored} to {@code out}, and notes the rest. */
    void scan(byte[] stored, PropertyWriter out) {
        id = null;
        path = null;
        origin = null;
        originTime = null;
        claimsStamp = false;
        for (int from = 0; from < stored.length; ) {
            int end = RawProperties.entryEnd(stored, from);
            int separator = RawProperties.separator(stored, from, end);
            if (separator > 0) {
                String name = names.name(stored, from, separator);
                if (name.equals(ID)) {
                    id = value(stored, separator, end);
                    idStart = out.name(ID_NAME).position();
                    out.value(id).end();
                    idEnd = out.position() - 1;
                } else if (PropertyFates.carried(name)) {
                    out.entry(stored, from, end);
                } else if (PropertyFates.stamped(name)) {
                    claimsStamp = true;
                    switch (name) {
                        case PATH -> path = value(stored, separator, end);
                        case ORIGIN -> origin = value(stored, separator, end);
                        case ORIGIN_TIME -> originTime = value(stored, separator, end);
                        default -> {
                            // written afresh by the stamp
                        }
                    }
                }
            }
            from = end + 1;
        }
    }

    /** The message ID carried; null when the message has none. */
    String id() {
        return id;
    }

    /** Where the ID's value was written: start and end (exclusive) in the writer's buffer. */
    int idStart() {
        return idStart;
    }

    int idEnd() {
        return idEnd;
    }

    String path() {
        return path;
    }

    String origin() {
        return origin;
    }

    String originTime() {
        return originTime;
    }

    /** Whether any property of a stamp was read: a local message carries none. */
    boolean claimsStamp() {
        return claimsStamp;
    }

    private static String value(byte[] stored, int separator, int end) {
        return new String(stored, separator + 1, end - separator - 1, StandardCharsets.UTF_8);
    }
}
