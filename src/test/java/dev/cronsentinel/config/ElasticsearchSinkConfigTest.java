package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchSinkConfigTest {
    @TempDir
    Path dir;

    private ElasticsearchSinkConfig config(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("output.elasticsearch.endpoints", "http://127.0.0.1:9200");
        for (int i = 0; i < kv.length; i += 2) {
            m.put("output.elasticsearch." + kv[i], kv[i + 1]);
        }
        return ElasticsearchSinkConfig.from(new ConfigSource(m, dir));
    }

    private void assertRejected(String key, String message, String... kv) {
        assertThatThrownBy(() -> config(kv)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'output.elasticsearch." + key + "'").hasMessageContaining(message);
    }

    @Test
    void defaults() {
        ElasticsearchSinkConfig c = config();
        assertThat(c.endpoints()).containsExactly("http://127.0.0.1:9200");
        assertThat(c.index()).isEqualTo("cronsentinel-alerts");
        assertThat(c.deadLetterIndex()).isEqualTo("cronsentinel-dead-letters");
        assertThat(c.installTemplate()).isTrue();
        assertThat(c.bulkMaxActions()).isEqualTo(500);
        assertThat(c.bulkMaxBytes()).isEqualTo(5L << 20);
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.authorizationHeader(new Secrets(Map.of()))).isNull();
    }

    @Test
    void readsEveryKey() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        ElasticsearchSinkConfig c = config("endpoints", "https://es-1:9200/, https://es-2:9200/prefix", "index", "soc-k8s",
                "dead-letter-index", "soc-dead", "template.install", "false", "bulk.max-actions", "50",
                "bulk.max-bytes", "1048576", "bulk.max-document-bytes", "65536", "bulk.flush-interval", "250ms",
                "bulk.max-in-flight", "4", "bulk.max-buffered-actions", "400", "request-timeout", "5s",
                "retry.initial-backoff", "100ms", "retry.max-backoff", "2s", "auth.api-key", "env:ES_KEY",
                "tls.ca-file", "ca.pem");
        assertThat(c.endpoints()).containsExactly("https://es-1:9200", "https://es-2:9200/prefix");
        assertThat(c.index()).isEqualTo("soc-k8s");
        assertThat(c.deadLetterIndex()).isEqualTo("soc-dead");
        assertThat(c.installTemplate()).isFalse();
        assertThat(c.bulkMaxActions()).isEqualTo(50);
        assertThat(c.bulkMaxBytes()).isEqualTo(1048576);
        assertThat(c.maxDocumentBytes()).isEqualTo(65536);
        assertThat(c.flushInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxInFlightRequests()).isEqualTo(4);
        assertThat(c.maxBufferedActions()).isEqualTo(400);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.caFile()).isEqualTo(ca.toString());
        assertThat(c.authorizationHeader(new Secrets(Map.of("ES_KEY", "aWQ6a2V5")))).isEqualTo("ApiKey aWQ6a2V5");
        // The record travels in the job graph: it must serialize, and it holds the reference, not the key.
        ElasticsearchSinkConfig copy = InstantiationUtil.clone(c);
        assertThat(copy).isEqualTo(c);
        assertThat(copy.apiKeyRef()).isEqualTo("env:ES_KEY");
    }

    @Test
    void basicAuthPasswordComesFromAFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "s3cret\n");
        ElasticsearchSinkConfig c = config("auth.username", "cronsentinel", "auth.password", "file:" + secret);
        String header = c.authorizationHeader(new Secrets(Map.of()));
        assertThat(header).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8))
                .isEqualTo("cronsentinel:s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void aMissingSecretNamesTheKeyNotTheValue() {
        ElasticsearchSinkConfig c = config("auth.api-key", "env:NOT_SET_ANYWHERE");
        assertThatThrownBy(() -> c.authorizationHeader(new Secrets(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.elasticsearch.auth.api-key").hasMessageContaining("NOT_SET_ANYWHERE");
    }

    @Test
    void rejectsBadSettingsNamingTheKey() {
        assertThatThrownBy(() -> ElasticsearchSinkConfig.from(new ConfigSource(Map.of(), dir)))
                .hasMessageContaining("'output.elasticsearch.endpoints': is required");
        assertRejected("endpoints", "must be a URL that starts with http:// or https://", "endpoints", "127.0.0.1:9200");
        assertRejected("endpoints", "must be a URL that starts with http", "endpoints", "ftp://es:21");
        assertRejected("endpoints", "credentials in endpoint URLs", "endpoints", "http://elastic:changeme@es:9200");
        assertRejected("endpoints", "scheme://host", "endpoints", "http://es:9200/?pretty");
        assertRejected("auth.api-key", "never inline", "auth.api-key", "aWQ6a2V5");
        assertRejected("auth.password", "never inline", "auth.username", "u", "auth.password", "hunter2");
        assertRejected("auth.password", "is required", "auth.username", "u");
        assertRejected("auth.api-key", "not both", "auth.api-key", "env:K", "auth.username", "u", "auth.password", "env:P");
        assertRejected("tls.ca-file", "no endpoint uses https", "tls.ca-file", "/etc/ca.pem");
        assertRejected("index", "lower case", "index", "Alerts");
        assertRejected("index", "must not contain '*'", "index", "alerts-*");
        assertRejected("index", "not a valid index name", "index", "_alerts");
        assertRejected("dead-letter-index", "must differ", "index", "same", "dead-letter-index", "same");
        assertRejected("bulk.max-document-bytes", "at most", "bulk.max-bytes", "8192", "bulk.max-document-bytes", "8000");
        assertRejected("bulk.max-buffered-actions", "greater than", "bulk.max-actions", "100", "bulk.max-buffered-actions", "100");
        assertRejected("bulk.flush-interval", "must be positive", "bulk.flush-interval", "0s");
        assertRejected("retry.max-backoff", "not be shorter", "retry.initial-backoff", "5s", "retry.max-backoff", "1s");
    }

    @Test
    void everyKeyItReadsIsMarkedUsed() {
        Map<String, String> m = new HashMap<>();
        for (String k : List.of("endpoints=http://h:1", "index=a", "dead-letter-index=b", "template.install=true",
                "bulk.max-actions=10", "bulk.max-bytes=65536", "bulk.max-document-bytes=4096", "bulk.flush-interval=1s",
                "bulk.max-in-flight=1", "bulk.max-buffered-actions=20", "request-timeout=1s", "retry.initial-backoff=1s",
                "retry.max-backoff=1s", "auth.username=u", "auth.password=env:P")) {
            String[] kv = k.split("=", 2);
            m.put("output.elasticsearch." + kv[0], kv[1]);
        }
        ConfigSource source = new ConfigSource(m, dir);
        ElasticsearchSinkConfig.from(source);
        source.assertAllKeysUsed();
    }
}
