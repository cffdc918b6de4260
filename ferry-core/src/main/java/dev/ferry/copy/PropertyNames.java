package dev.ferry.copy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The String for a property name read as bytes, made once: names repeat from message to message (a topic's
 * producers set the same few), so one String per name rather than one per message. A small table by hash; a name
 * that collides with another simply replaces it. Not for sharing between threads.
 */
final class PropertyNames {

    /** Slots (a power of two). */
    private static final int SLOTS = 64;

    private final byte[][] nameBytes = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];

    /** The name in {@code bytes[from, to)}: the String made for it before, when its slot still holds it. */
    String name(byte[] bytes, int from, int to) {
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + bytes[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] known = nameBytes[slot];
        if (known != null && Arrays.equals(known, 0, known.length, bytes, from, to)) {
            return names[slot];
        }
        nameBytes[slot] = Arrays.copyOfRange(bytes, from, to);
        names[slot] = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        return names[slot];
    }
}
