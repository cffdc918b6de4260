package dev.ferry.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as an operator writes it in the file and reads it in a message: a whole number and a unit,
 * {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}. Not ISO-8601's {@code PT3S}: nobody writes that by hand.
 */
final class DurationText {

    /** What a message says the file may hold. */
    static final String FORM = "a whole number and ms, s, m or h, e.g. 500ms, 3s or 1m";

    private static final Pattern TEXT = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private DurationText() {
    }

    /** The duration {@code text} writes; empty when it is not of {@link #FORM}. */
    static Optional<Duration> parse(String text) {
        Matcher matcher = TEXT.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        });
    }

    /** {@code duration} in the largest unit that writes it whole: {@code 1m}, not {@code 60000ms}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
