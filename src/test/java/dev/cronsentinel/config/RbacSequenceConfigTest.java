package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbacSequenceConfigTest {
    @Test
    void anEmptyConfigGivesTheDefaults() {
        RbacSequenceConfig cfg = RbacSequenceConfig.from(new ConfigSource(Map.of(), Path.of(".")));
        assertThat(cfg).isEqualTo(RbacSequenceConfig.defaults());
        assertThat(cfg.window()).isEqualTo(Duration.ofMinutes(10));
        assertThat(cfg.sensitive("cluster-admin")).isTrue();
        assertThat(cfg.sensitive("view")).isFalse();
    }

    @Test
    void everyKeyIsRead() {
        ConfigSource c = new ConfigSource(Map.of(
                "correlation.rbac.window", "5m",
                "correlation.rbac.max-grants-per-subject", "4",
                "correlation.rbac.max-writes-per-subject", "8",
                "correlation.rbac.sensitive-roles", "cluster-admin,ci-deployer",
                "correlation.rbac.score", "70",
                "correlation.rbac.state-ttl", "2h"), Path.of("."));
        RbacSequenceConfig cfg = RbacSequenceConfig.from(c);
        c.assertAllKeysUsed();
        assertThat(cfg).isEqualTo(new RbacSequenceConfig(Duration.ofMinutes(5), 4, 8, List.of("cluster-admin", "ci-deployer"), 70,
                Duration.ofHours(2)));
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertInvalid("correlation.rbac.window", "0s", "correlation.rbac.window");
        assertInvalid("correlation.rbac.state-ttl", "15m", "correlation.rbac.state-ttl");
        assertInvalid("correlation.rbac.max-grants-per-subject", "0", "correlation.rbac.max-grants-per-subject");
        assertInvalid("correlation.rbac.score", "101", "correlation.rbac.score");
    }

    private static void assertInvalid(String key, String value, String named) {
        ConfigSource c = new ConfigSource(Map.of(key, value), Path.of("."));
        assertThatThrownBy(() -> RbacSequenceConfig.from(c)).isInstanceOf(ConfigException.class).hasMessageContaining(named);
    }
}
