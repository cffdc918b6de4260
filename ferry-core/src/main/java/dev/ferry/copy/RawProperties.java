package dev.ferry.copy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A message's properties as RocketMQ stores them, read where they lie instead of decoded into a map:
 *
 * <pre>
 *   name 0x01 value 0x02 name 0x01 value 0x02 ...     (UTF-8)
 *   ^from     ^separator       ^end (of the entry)
 * </pre>
 *
 * An entry counts as the client's {@code MessageDecoder.string2messageProperties} counts it: one shorter than three
 * bytes, or without a name or a value, is skipped, and of two entries with one name the later wins. So a lookup
 * here, {@link #toMap} and the client's map always agree, and copying the entries that count, byte for byte, gives
 * a message whose decoded properties are the same map.
 *
 * <p>Why: a copied message lives for well under a second, and the map the client decodes for each (a table, an entry
 * and two strings per property) was a quarter of what reading a message allocated; Ferry looks up a handful of
 * properties per message and copies the rest unread ({@link OriginStamp}).
 */
final class RawProperties {

    static final byte NAME_VALUE = 1;
    static final byte ENTRY_END = 2;

    private RawProperties() {
    }

    /** Where the entry starting at {@code from} ends: its {@code 0x02}, or the end of the bytes. */
    static int entryEnd(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == ENTRY_END) {
                return i;
            }
        }
        return raw.length;
    }

    /**
     * The entry's {@code 0x01} when the entry counts (a name and a value, three bytes or more); -1 when the client
     * would skip it.
     */
    static int separator(byte[] raw, int from, int end) {
        if (end - from < 3) {
            return -1;
        }
        for (int i = from; i < end; i++) {
            if (raw[i] == NAME_VALUE) {
                return i > from && i < end - 1 ? i : -1;
            }
        }
        return -1;
    }

    /** The value of the last entry named {@code name}, or null. */
    static String get(byte[] raw, String name) {
        String value = null;
        for (int from = 0; from < raw.length; ) {
            int end = entryEnd(raw, from);
            int separator = separator(raw, from, end);
            if (separator > 0 && nameIs(raw, from, separator, name)) {
                value = new String(raw, separator + 1, end - separator - 1, StandardCharsets.UTF_8);
            }
            from = end + 1;
        }
        return value;
    }

    /** Whether an entry named {@code name} counts (an entry that counts has a value). */
    static boolean has(byte[] raw, String name) {
        return get(raw, name) != null;
    }

    /**
     * The lengths of the names that count, as bits: bit {@code n} for a name of {@code n} bytes (63: 63 or more),
     * and bit 0 always, so that 0 means "not yet known". A name whose length is not among them is not there: the
     * client looks up properties a read message seldom has (its retry topic, a transaction flag) for every
     * message, and each such miss would otherwise walk every entry.
     */
    static long nameLengths(byte[] raw) {
        long lengths = 1;
        for (int from = 0; from < raw.length; ) {
            int end = entryEnd(raw, from);
            int separator = separator(raw, from, end);
            if (separator > 0) {
                lengths |= 1L << Math.min(63, separator - from);
            }
            from = end + 1;
        }
        return lengths;
    }

    /** Whether a name of this many chars may be among {@code nameLengths}; always true for a non-ASCII name. */
    static boolean mayHold(long nameLengths, String name) {
        int length = name.length();
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) >= 0x80) {
                return true; // its UTF-8 length differs from its length in chars
            }
        }
        return (nameLengths & (1L << Math.min(63, length))) != 0;
    }

    /** Every entry that counts, the later of two with one name winning: the client's map. */
    static Map<String, String> toMap(byte[] raw) {
        Map<String, String> map = new HashMap<>();
        for (int from = 0; from < raw.length; ) {
            int end = entryEnd(raw, from);
            int separator = separator(raw, from, end);
            if (separator > 0) {
                map.put(new String(raw, from, separator - from, StandardCharsets.UTF_8),
                    new String(raw, separator + 1, end - separator - 1, StandardCharsets.UTF_8));
            }
            from = end + 1;
        }
        return map;
    }

    /** Whether {@code raw[from, to)} is {@code name} in UTF-8. */
    static boolean nameIs(byte[] raw, int from, int to, String name) {
        int length = name.length();
        if (to - from == length) {
            boolean ascii = true;
            for (int i = 0; i < length; i++) {
                char c = name.charAt(i);
                if (c >= 0x80) {
                    ascii = false;
                    break;
                }
                if (raw[from + i] != (byte) c) {
                    return false;
                }
            }
            if (ascii) {
                return true;
            }
        } else if (to - from < length || isAscii(name)) {
            // A UTF-8 name is never shorter in bytes than in chars, and an ASCII one is exactly as long: no need to
            // encode the name (the client looks up names for every message read).
            return false;
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(raw, from, to, utf8, 0, utf8.length);
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
