package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * Watermark settings and the bounds on event times (keys under {@code event-time.}).
 *
 * <p>Event times are written by whoever writes the audit topic, so they are bounded before they reach the
 * watermark (issue 16, rows 9 and 10; see {@code ingest.EventTimeGuard}): an event later than the wall clock
 * plus {@code maxClockSkew}, or earlier than {@code maxAge} before the newest event time accepted so far (and,
 * with {@code wall-clock-bounds: on}, before the wall clock), is dead-lettered {@code bad-timestamp}.
 *
 * @param maxOutOfOrderness how far behind the newest event an event may arrive and still be on time; the
 *     API server writes events out of order by up to its audit batch delay
 * @param idleness after how long without events a source split stops holding the watermark back, so an
 *     idle Kafka partition cannot stall correlation
 * @param maxClockSkew how far past the wall clock an event time may lie
 * @param maxAge how far before the stream's newest accepted event time (and, with {@code on}, before the wall
 *     clock) an event time may lie
 * @param wallClockBounds whether the wall clock caps event times from above (nothing real lies in the future,
 *     live or archived): {@code event-time.wall-clock-bounds} {@code auto} (the default) or {@code on}
 * @param wallClockAge whether the wall clock also bounds them from below ({@code on} only): for strictly live
 *     streams. Off by default because a replay of last month's logs through Kafka, or a Kafka backlog, is
 *     older than any live horizon and would be refused whole; the stream-relative bound still applies.
 */
public record EventTimeConfig(Duration maxOutOfOrderness, Duration idleness, Duration maxClockSkew, Duration maxAge,
                              boolean wallClockBounds,
                              boolean wallClockAge) implements Serializable {
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    public static EventTimeConfig defaults() {
        return new EventTimeConfig(Duration.ofSeconds(30), Duration.ofMinutes(1), DEFAULT_MAX_CLOCK_SKEW, DEFAULT_MAX_AGE, false, false);
    }

    public static EventTimeConfig from(ConfigSource c) {
        Duration ooo = c.duration("event-time.max-out-of-orderness", Duration.ofSeconds(30));
        Duration idle = c.duration("event-time.idleness", Duration.ofMinutes(1));
        Duration skew = c.duration("event-time.max-clock-skew", DEFAULT_MAX_CLOCK_SKEW);
        Duration age = c.duration("event-time.max-age", DEFAULT_MAX_AGE);
        if (ooo.isNegative()) {
            throw ConfigException.forKey("event-time.max-out-of-orderness", "must not be negative");
        }
        if (idle.isNegative() || idle.isZero()) {
            throw ConfigException.forKey("event-time.idleness", "must be positive");
        }
        if (skew.isNegative()) {
            throw ConfigException.forKey("event-time.max-clock-skew", "must not be negative");
        }
        if (age.compareTo(ooo) <= 0) {
            throw ConfigException.forKey("event-time.max-age", "must be longer than event-time.max-out-of-orderness");
        }
        String mode = c.string("event-time.wall-clock-bounds", "auto").toLowerCase(Locale.ROOT);
        boolean wallClock;
        boolean wallClockAge;
        switch (mode) {
            case "on":
                wallClock = true;
                wallClockAge = true;
                break;
            case "off":
                wallClock = false;
                wallClockAge = false;
                break;
            case "auto":
                wallClock = true;
                wallClockAge = false;
                break;
            default:
                throw ConfigException.forKey("event-time.wall-clock-bounds", "must be auto, on or off, not '" + mode + "'");
        }
        return new EventTimeConfig(ooo, idle, skew, age, wallClock, wallClockAge);
    }
}
