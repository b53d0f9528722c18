package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path tmp;

    private static String conf() {
        return TestData.projectRoot().resolve("conf/cronsentinel.yaml").toString();
    }

    @Test
    void shippedConfigWithOverridesIsTypedAndValidated() {
        JobConfig c = CronSentinelJob.loadConfig(new String[] {"--config", conf(), "--input.file.paths=a.log,b.log",
                "--scoring.dedupe-window", "15m", "--event-time.idleness=2m", "--ingest.max-depth=32"});
        assertThat(c.profile()).isEqualTo("default");
        assertThat(c.rulesFile()).isEqualTo(TestData.projectRoot().resolve("conf/rules/default.yaml"));
        assertThat(c.inputPaths()).containsExactly("a.log", "b.log");
        assertThat(c.scoring().dedupeWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.eventTime().idleness()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.decoder().maxDepth()).isEqualTo(32);
        assertThat(c.decoder().controllers()).contains("system:kube-controller-manager");
    }

    @Test
    void badValuesFailWithOneMessageNamingTheKey() {
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", conf(), "--input.file.paths=a", "--output.type=splunk-hec"}))
                .isInstanceOf(ConfigException.class).hasMessage("config key 'output.type': unknown value 'splunk-hec', expected one of [stdout, file, kafka, elasticsearch]");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", conf()}))
                .hasMessageContaining("'input.file.paths'");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", conf(), "--input.file.paths=a", "--scoring.dedupe-window=soon"}))
                .hasMessageContaining("'scoring.dedupe-window'");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", conf(), "--input.file.paths=a", "--ingest.out-of-scope-pod-creators=(unclosed"}))
                .hasMessageContaining("'ingest.out-of-scope-pod-creators'").hasMessageContaining("malformed pattern");
        assertThatThrownBy(() -> CronSentinelJob.loadConfig(new String[] {"--config", conf(), "--input.file.paths=a", "--ingest.max-depht=3"}))
                .hasMessageContaining("'ingest.max-depht': unknown key");
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentOrFiles() throws Exception {
        Path secret = tmp.resolve("api-key");
        Files.writeString(secret, "s3cr3t\n");
        Secrets secrets = new Secrets(Map.of("ES_API_KEY", "from-env"));
        assertThat(secrets.resolve("k", "env:ES_API_KEY")).isEqualTo("from-env");
        assertThat(secrets.resolve("k", "file:" + secret)).isEqualTo("s3cr3t");
        assertThatThrownBy(() -> secrets.resolve("output.elasticsearch.api-key", "s3cr3t"))
                .hasMessage("config key 'output.elasticsearch.api-key': secrets must be given as env:NAME or file:/path, never inline")
                .hasMessageNotContaining("s3cr3t'");
        assertThatThrownBy(() -> secrets.resolve("k", "env:MISSING")).hasMessageContaining("MISSING is not set");
    }
}
