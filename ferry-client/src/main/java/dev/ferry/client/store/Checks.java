package dev.ferry.client.store;

import java.time.Duration;

/** Argument checks shared by the builders. */
final class Checks {

    private Checks() {
    }

    static Duration positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
        return value;
    }

    static String key(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        return key;
    }
}
