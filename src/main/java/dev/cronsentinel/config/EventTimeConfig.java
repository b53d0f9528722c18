package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Watermark settings (keys under {@code event-time.}).
 *
 * @param maxOutOfOrderness how far behind the newest event an event may arrive and still be on time; the
 *     API server writes events out of order by up to its audit batch delay
 * @param idleness after how long without events a source split stops holding the watermark back, so an
 *     idle Kafka partition cannot stall correlation
 */
public record EventTimeConfig(Duration maxOutOfOrderness, Duration idleness) implements Serializable {
    public static EventTimeConfig defaults() {
        return new EventTimeConfig(Duration.ofSeconds(30), Duration.ofMinutes(1));
    }

    public static EventTimeConfig from(ConfigSource c) {
        Duration ooo = c.duration("event-time.max-out-of-orderness", Duration.ofSeconds(30));
        Duration idle = c.duration("event-time.idleness", Duration.ofMinutes(1));
        if (ooo.isNegative()) {
            throw ConfigException.forKey("event-time.max-out-of-orderness", "must not be negative");
        }
        if (idle.isNegative() || idle.isZero()) {
            throw ConfigException.forKey("event-time.idleness", "must be positive");
        }
        return new EventTimeConfig(ooo, idle);
    }
}
