package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.ConfigException;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.Pipelines;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16 row 14: what main() checks before it submits. An unreachable Kafka or Elasticsearch (a closed port)
 * fails within seconds with the config key and the address; the real SASL broker passes, and its cleartext
 * PLAIN login is named in one warning; Elasticsearch credentials over http:// likewise.
 */
class StartupChecksITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.saslPlain();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String[] saslInput(String bootstrap) {
        return new String[] {"input.type", "kafka", "input.kafka.bootstrap-servers", bootstrap,
            "input.kafka.topics", "audit", "startup.check-timeout", "2s",
            "input.kafka.security.protocol", "SASL_PLAINTEXT", "input.kafka.security.sasl.mechanism", "PLAIN",
            "input.kafka.security.sasl.username", JaasUtils.KAFKA_PLAIN_ADMIN,
            "input.kafka.security.sasl.password", "env:CRONSENTINEL_TEST_KAFKA_PASSWORD"};
    }

    @Test
    void unreachableKafkaFailsWithinSecondsNamingTheKeyAndTheAddress() throws Exception {
        String address = "127.0.0.1:" + closedPort();
        JobConfig config = Pipelines.jobConfig(saslInput(address));
        long start = System.nanoTime();
        assertThatThrownBy(() -> StartupChecks.checkReachable(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.kafka.bootstrap-servers")
                .hasMessageContaining(address);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void unreachableKafkaOutputIsNamedByItsOwnKey() throws Exception {
        String address = "127.0.0.1:" + closedPort();
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "kafka", "output.kafka.bootstrap-servers", address, "startup.check-timeout", "2s");
        assertThatThrownBy(() -> StartupChecks.checkReachable(config))
                .hasMessageContaining("output.kafka.bootstrap-servers").hasMessageContaining(address);
    }

    @Test
    void unreachableElasticsearchFailsWithinSecondsNamingTheKeyAndTheAddress() throws Exception {
        String endpoint = "http://127.0.0.1:" + closedPort();
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "output.elasticsearch.endpoints", endpoint, "startup.check-timeout", "2s");
        long start = System.nanoTime();
        assertThatThrownBy(() -> StartupChecks.checkReachable(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.elasticsearch.endpoints")
                .hasMessageContaining(endpoint);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void theRealBrokerPassesAndItsCleartextPlainLoginIsNamedOnce() {
        JobConfig config = Pipelines.jobConfig(saslInput(KAFKA.bootstrapServers()));
        StartupChecks.checkReachable(config);
        assertThat(StartupChecks.warnings(config)).singleElement().asString()
                .contains("input.kafka.security.protocol", "SASL_PLAINTEXT", "PLAIN");
    }

    @Test
    void elasticsearchCredentialsOverHttpAreNamed() {
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "output.elasticsearch.endpoints", "http://es.example:9200",
                "output.elasticsearch.auth.api-key", "env:CRONSENTINEL_TEST_KAFKA_PASSWORD");
        assertThat(StartupChecks.warnings(config)).singleElement().asString()
                .contains("output.elasticsearch.endpoints", "http://es.example:9200", "API key");
        JobConfig tls = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "elasticsearch", "output.elasticsearch.endpoints", "https://es.example:9200",
                "output.elasticsearch.auth.api-key", "env:CRONSENTINEL_TEST_KAFKA_PASSWORD");
        assertThat(StartupChecks.warnings(tls)).isEmpty();
    }

    @Test
    void disabledHostVerificationIsNamed() {
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString(),
                "output.type", "kafka", "output.kafka.bootstrap-servers", "kafka-0.example:9093",
                "output.kafka.security.protocol", "SSL", "output.kafka.security.ssl.endpoint-identification", "false");
        assertThat(StartupChecks.warnings(config)).singleElement().asString()
                .contains("output.kafka.security.ssl.endpoint-identification");
    }

    @Test
    void zeroSkipsTheCheck() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.type", "kafka", "input.kafka.topics", "audit",
                "input.kafka.bootstrap-servers", "127.0.0.1:" + closedPort(), "startup.check-timeout", "0s");
        StartupChecks.checkReachable(config);
    }
}
