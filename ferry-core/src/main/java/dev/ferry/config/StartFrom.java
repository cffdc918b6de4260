package dev.ferry.config;

import java.time.Instant;

/**
 * Where a backup starts reading a queue it has no progress for yet. Once it has committed progress,
 * it always resumes from there.
 *
 * @param position earliest, latest or an instant
 * @param instant  the instant, with {@link Position#INSTANT}; otherwise null
 */
public record StartFrom(Position position, Instant instant) {

    public static final StartFrom EARLIEST = new StartFrom(Position.EARLIEST, null);
    public static final StartFrom LATEST = new StartFrom(Position.LATEST, null);

    public static StartFrom at(Instant instant) {
        return new StartFrom(Position.INSTANT, instant);
    }

    public enum Position { EARLIEST, LATEST, INSTANT }

    @Override
    public String toString() {
        return position == Position.INSTANT ? instant.toString() : position.name().toLowerCase();
    }
}
