package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Alert grouping (keys under {@code grouping.}).
 *
 * @param period repeats of the same finding whose event times fall into the same period (periods are
 *     aligned to the epoch: {@code [k * period, (k + 1) * period)}) fold into one alert with a count
 */
public record GroupingConfig(Duration period) implements Serializable {
    public static GroupingConfig defaults() {
        return new GroupingConfig(Duration.ofHours(1));
    }

    public static GroupingConfig from(ConfigSource c) {
        Duration p = c.duration("grouping.period", Duration.ofHours(1));
        if (p.compareTo(Duration.ofSeconds(1)) < 0 || p.compareTo(Duration.ofDays(7)) > 0) {
            throw ConfigException.forKey("grouping.period", "must be between 1s and 7d, got " + p);
        }
        return new GroupingConfig(p);
    }
}
