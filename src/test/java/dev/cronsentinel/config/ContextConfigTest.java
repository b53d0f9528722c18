package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context and grouping keys in conf/cronsentinel.yaml: read, typed and validated at start. */
class ContextConfigTest {
    private static JobConfig load(String... overrides) {
        List<String> args = new ArrayList<>(List.of("--config", TestData.projectRoot().resolve("conf/cronsentinel.yaml").toString(),
                "--input.file.paths=a.log"));
        args.addAll(List.of(overrides));
        return CronSentinelJob.loadConfig(args.toArray(new String[0]));
    }

    @Test
    void theShippedFileHoldsTheDefaults() {
        JobConfig c = load();
        assertThat(c.context()).isEqualTo(ContextConfig.defaults());
        assertThat(c.grouping()).isEqualTo(GroupingConfig.defaults());
    }

    @Test
    void overridesAreTyped() {
        JobConfig c = load("--context.lookback=30d", "--context.learning-period=7d", "--context.weights.unusual-client-scripted=45",
                "--context.scripted-clients=curl,Python-Requests", "--context.spread.window=5m", "--grouping.period=15m",
                "--context.max-networks=8");
        assertThat(c.context().lookback()).isEqualTo(Duration.ofDays(30));
        assertThat(c.context().learningPeriod()).isEqualTo(Duration.ofDays(7));
        assertThat(c.context().weights().unusualClientScripted()).isEqualTo(45);
        assertThat(c.context().scriptedClients()).containsExactly("curl", "python-requests");
        assertThat(c.context().spreadWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.context().maxNetworks()).isEqualTo(8);
        assertThat(c.grouping().period()).isEqualTo(Duration.ofMinutes(15));
        ContextConfig bare = ContextConfig.from(new ConfigSource(Map.of("context.lookback", "3d"), Path.of(".")));
        assertThat(bare.learningPeriod()).as("without its own key, learning lasts one lookback").isEqualTo(Duration.ofDays(3));
    }

    @Test
    void badValuesFailAtStartNamingTheKey() {
        assertThatThrownBy(() -> load("--context.lookback=10m")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key 'context.lookback': must be between");
        assertThatThrownBy(() -> load("--context.weights.first-seen=101")).hasMessageContaining("'context.weights.first-seen'");
        assertThatThrownBy(() -> load("--context.weights.first-seen=lots")).hasMessageContaining("'context.weights.first-seen'");
        assertThatThrownBy(() -> load("--context.max-image-repositories=0")).hasMessageContaining("'context.max-image-repositories'");
        assertThatThrownBy(() -> load("--context.scripted-clients=curl/8")).hasMessageContaining("'context.scripted-clients'");
        assertThatThrownBy(() -> load("--context.spread.namespaces=10", "--context.spread.max-namespaces=5"))
                .hasMessageContaining("'context.spread.max-namespaces'");
        assertThatThrownBy(() -> load("--context.spread.window=20d")).hasMessageContaining("'context.spread.window'");
        assertThatThrownBy(() -> load("--grouping.period=0s")).hasMessageContaining("'grouping.period'");
        assertThatThrownBy(() -> load("--context.weights.first-seeen=3")).hasMessageContaining("'context.weights.first-seeen': unknown key");
    }
}
