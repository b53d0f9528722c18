package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the keyed scoring stage (keys under {@code scoring.}).
 *
 * @param dedupeWindow how long an audit ID is remembered per (actor, namespace), so a replayed or
 *     re-delivered event (webhook retries, at-least-once sources) does not alert twice
 */
public record ScoringConfig(Duration dedupeWindow) implements Serializable {
    public static ScoringConfig defaults() {
        return new ScoringConfig(Duration.ofMinutes(10));
    }

    public static ScoringConfig from(ConfigSource c) {
        Duration d = c.duration("scoring.dedupe-window", Duration.ofMinutes(10));
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw ConfigException.forKey("scoring.dedupe-window", "must be between 1ms and 1d, got " + d);
        }
        return new ScoringConfig(d);
    }
}
