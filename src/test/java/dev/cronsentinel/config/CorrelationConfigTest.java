package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorrelationConfigTest {
    @Test
    void anEmptyConfigGivesTheDefaults() {
        ConfigSource c = new ConfigSource(Map.of(), Path.of("."));
        assertThat(CorrelationConfig.from(c)).isEqualTo(CorrelationConfig.defaults());
    }

    @Test
    void everyKeyIsRead() {
        ConfigSource c = new ConfigSource(Map.ofEntries(
                Map.entry("correlation.default-window", "15m"),
                Map.entry("correlation.schedule-grace", "2m"),
                Map.entry("correlation.max-window", "8d"),
                Map.entry("correlation.spawn-buffer", "10s"),
                Map.entry("correlation.orphan-window", "6h"),
                Map.entry("correlation.update-interval", "1m"),
                Map.entry("correlation.state-ttl", "20d"),
                Map.entry("correlation.max-chain-links", "50"),
                Map.entry("correlation.max-pending-spawns", "8"),
                Map.entry("correlation.controller-time-zone", "Europe/Berlin"),
                Map.entry("correlation.lifecycle.max-suspended", "5d"),
                Map.entry("correlation.lifecycle.hit-and-run-window", "30m"),
                Map.entry("correlation.lifecycle.weights.resumed-by-other", "15"),
                Map.entry("correlation.lifecycle.weights.hit-and-run", "25"),
                Map.entry("correlation.lifecycle.weights.hit-and-run-no-history", "50")), Path.of("."));
        CorrelationConfig cfg = CorrelationConfig.from(c);
        c.assertAllKeysUsed();
        assertThat(cfg).isEqualTo(new CorrelationConfig(Duration.ofMinutes(15), Duration.ofMinutes(2), Duration.ofDays(8),
                Duration.ofSeconds(10), Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(20), 50, 8,
                ZoneId.of("Europe/Berlin"),
                new CorrelationConfig.Lifecycle(Duration.ofDays(5), Duration.ofMinutes(30), 15, 25, 50), null, -1));
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertInvalid("correlation.default-window", "0s", "correlation.default-window");
        assertInvalid("correlation.default-window", "2d", "correlation.default-window");
        assertInvalid("correlation.state-ttl", "1d", "correlation.state-ttl");
        assertInvalid("correlation.spawn-buffer", "1h", "correlation.spawn-buffer");
        assertInvalid("correlation.controller-time-zone", "Mars/Olympus_Mons", "correlation.controller-time-zone");
        // the state TTL backstop must outlast the longest suspended root too
        assertInvalid("correlation.lifecycle.max-suspended", "5d", "correlation.state-ttl");
        assertInvalid("correlation.lifecycle.hit-and-run-window", "0s", "correlation.lifecycle.hit-and-run-window");
        assertInvalid("correlation.max-chain-links", "0", "correlation.max-chain-links");
    }

    @Test
    void theRuleSetsProfileAndThresholdMustBeApplied() {
        assertThatThrownBy(() -> CorrelationConfig.defaults().requireRules()).isInstanceOf(IllegalStateException.class);
        CorrelationConfig cfg = CorrelationConfig.defaults().forRules("default", 40);
        assertThat(cfg.requireRules().alertThreshold()).isEqualTo(40);
        assertThat(cfg.profile()).isEqualTo("default");
    }

    private static void assertInvalid(String key, String value, String named) {
        ConfigSource c = new ConfigSource(Map.of(key, value), Path.of("."));
        assertThatThrownBy(() -> CorrelationConfig.from(c)).isInstanceOf(ConfigException.class).hasMessageContaining(named);
    }
}
