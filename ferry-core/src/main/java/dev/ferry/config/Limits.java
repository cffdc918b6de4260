package dev.ferry.config;

import java.time.Duration;
import java.util.Objects;

/** Range checks for tuning values, each refusal naming the key and the range it must lie in. */
final class Limits {

    private Limits() {
    }

    /** {@code value}, when it lies from {@code min} to {@code max}. */
    static int within(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(key, value + " is out of range (" + min + " to " + max + ")");
        }
        return value;
    }

    /** {@code value}, when it lies from {@code min} to {@code max}. */
    static Duration within(String key, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, key);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(key, DurationText.format(value) + " is out of range ("
                + DurationText.format(min) + " to " + DurationText.format(max) + ")");
        }
        return value;
    }
}
