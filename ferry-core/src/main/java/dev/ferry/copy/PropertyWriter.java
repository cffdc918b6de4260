package dev.ferry.copy;

import java.util.Arrays;

/**
 * Writes a message's properties as RocketMQ encodes them, {@code name \u0001 value \u0002} per property as UTF-8,
 * straight into one reusable buffer: a copy's properties are written once, from the source's map and the stamp,
 * without building a map, a string or a byte array per property on the way (see {@link OriginStamp}).
 *
 * <p>A property is {@link #name} then any number of {@code value} pieces (a path is the source's path, a comma and
 * a cluster), then {@link #end}. {@link #position()} lets the caller find a value again in {@link #buffer()} (the
 * stamp is signed over the bytes written). Not for sharing between threads.
 */
final class PropertyWriter {

    private static final byte NAME_VALUE_SEPARATOR = 1;
    private static final byte PROPERTY_SEPARATOR = 2;

    private byte[] buffer = new byte[4096];
    private char[] chars = new char[256];
    private int at;

    /** Starts the properties of another message. */
    void reset() {
        at = 0;
    }

    PropertyWriter name(String name) {
        text(name);
        return put(NAME_VALUE_SEPARATOR);
    }

    /** A name given as its UTF-8 bytes, encoded once (Ferry's own property names). */
    PropertyWriter name(byte[] name) {
        bytes(name);
        return put(NAME_VALUE_SEPARATOR);
    }

    PropertyWriter value(String value) {
        return text(value);
    }

    PropertyWriter value(byte[] utf8) {
        return bytes(utf8);
    }

    /** The decimal digits of {@code number}, as {@link Long#toString(long)} writes them. */
    PropertyWriter value(long number) {
        if (number < 0) {
            return text(Long.toString(number));
        }
        // Counted by comparisons, written two digits a division from the end: a store time has 13 digits, and
        // one division per digit showed in the profile.
        int digits = 1;
        for (long power = 10; digits < 19 && number >= power; power *= 10) {
            digits++;
        }
        room(digits);
        int i = at + digits;
        while (number >= 100) {
            long rest = number / 100;
            int two = (int) (number - rest * 100);
            buffer[--i] = (byte) ('0' + two % 10);
            buffer[--i] = (byte) ('0' + two / 10);
            number = rest;
        }
        if (number >= 10) {
            buffer[--i] = (byte) ('0' + number % 10);
            number /= 10;
        }
        buffer[--i] = (byte) ('0' + number);
        at += digits;
        return this;
    }

    /** A whole property as stored, {@code name 0x01 value} in {@code stored[from, to)}, then its end. */
    void entry(byte[] stored, int from, int to) {
        room(to - from + 1);
        System.arraycopy(stored, from, buffer, at, to - from);
        at += to - from;
        end();
    }

    /** One ASCII character. */
    PropertyWriter value(char ascii) {
        return put((byte) ascii);
    }

    void end() {
        put(PROPERTY_SEPARATOR);
    }

    /** Where the next byte goes. */
    int position() {
        return at;
    }

    /** The bytes written so far are {@code buffer()[0, position())}; valid until the next write. */
    byte[] buffer() {
        return buffer;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, at);
    }

    private PropertyWriter put(byte b) {
        room(1);
        buffer[at++] = b;
        return this;
    }

    private PropertyWriter bytes(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, at, bytes.length);
        at += bytes.length;
        return this;
    }

    /** {@code text} as UTF-8, as {@code String.getBytes(UTF_8)} writes it. */
    private PropertyWriter text(String text) {
        int length = text.length();
        // No char takes more than 3 bytes (a surrogate pair, 2 chars, takes 4).
        room(3 * length);
        byte[] out = buffer;
        if (chars.length < length) {
            chars = new char[Math.max(length, 2 * chars.length)];
        }
        char[] in = chars;
        text.getChars(0, length, in, 0);
        // Nearly every name and value is ASCII: copied as such in a loop without branches (which the JIT
        // vectorises), and written again below only when a char turns out not to be.
        int seen = 0;
        for (int i = 0; i < length; i++) {
            char c = in[i];
            seen |= c;
            out[at + i] = (byte) c;
        }
        if (seen < 0x80) {
            at += length;
            return this;
        }
        int to = at;
        for (int i = 0; i < length; i++) {
            char c = in[i];
            if (c < 0x80) {
                out[to++] = (byte) c;
            } else if (c < 0x800) {
                out[to++] = (byte) (0xC0 | (c >> 6));
                out[to++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int code = Character.toCodePoint(c, text.charAt(++i));
                out[to++] = (byte) (0xF0 | (code >> 18));
                out[to++] = (byte) (0x80 | ((code >> 12) & 0x3F));
                out[to++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                out[to++] = (byte) (0x80 | (code & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[to++] = '?'; // a lone surrogate, as String.getBytes(UTF_8) writes it
            } else {
                out[to++] = (byte) (0xE0 | (c >> 12));
                out[to++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[to++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        at = to;
        return this;
    }

    private void room(int bytes) {
        if (buffer.length - at < bytes) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, at + bytes));
        }
    }
}
