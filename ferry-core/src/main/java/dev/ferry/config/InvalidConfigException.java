package dev.ferry.config;

import java.util.Optional;

/**
 * A value a configuration record refuses in its constructor, whoever builds it: the loader, the demo, failback's
 * copy back, the benchmark, a test. It names the key it is about, as a path from the record that refuses it
 * ({@code target}, {@code topics[2]}, {@code backups[1].source}), so that {@link ConfigLoader} can say where in
 * the file it is: {@code ferry.yaml: backups[0].topics[2]: duplicate topic 'orders' (also backups[0].topics[0])}.
 *
 * <p>Unchecked, unlike {@link ConfigException}: built in code, an invalid record is a programming mistake; read
 * from a file, the loader turns it into the operator's one line.
 */
public final class InvalidConfigException extends IllegalArgumentException {

    private final String key;
    private final String reason;
    private final Optional<String> also;

    /**
     * @param key    the key refused, a path from the refusing record; empty for the record as a whole
     * @param reason what is wrong, for the operator; never a secret's value
     */
    InvalidConfigException(String key, String reason) {
        this(key, reason, Optional.empty());
    }

    /** As above, for a value that clashes with the one at {@code also} (a path from the same record). */
    InvalidConfigException(String key, String reason, Optional<String> also) {
        super(line(key, reason, also, ""));
        this.key = key;
        this.reason = reason;
        this.also = also;
    }

    /** The key refused, as a path from the refusing record; empty for the record as a whole. */
    public String key() {
        return key;
    }

    /** The message with every key as a path from {@code prefix}, the place of the refusing record in the file. */
    String message(String prefix) {
        return line(key, reason, also, prefix);
    }

    /** The key, written under {@code prefix}: {@code backups[0]} and {@code topics[1]} give {@code backups[0].topics[1]}. */
    static String under(String prefix, String key) {
        return prefix.isEmpty() ? key : key.isEmpty() ? prefix : prefix + "." + key;
    }

    private static String line(String key, String reason, Optional<String> also, String prefix) {
        String where = under(prefix, key);
        return (where.isEmpty() ? "" : where + ": ") + reason + also.map(a -> " (also " + under(prefix, a) + ")").orElse("");
    }
}
