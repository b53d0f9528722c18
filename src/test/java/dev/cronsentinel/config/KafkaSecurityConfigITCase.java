package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.ingest.KafkaAuditSourceFactory;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.sink.KafkaAlertSinkFactory;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.SampleAlerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source and sinks against a broker that requires SASL/PLAIN, with the password taken from an
 * environment variable (source) and from a secret file (sink), as the config keys promise. The Kafka clients
 * resolve them where they are created (SecretReferenceConfigProvider), so the variables are real ones of the
 * test JVM, set by surefire ({@code CRONSENTINEL_TEST_*} in pom.xml); the start check reads the same.
 */
class KafkaSecurityConfigITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.saslPlain();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniClusters.extension();

    private static ConfigSource source(Map<String, String> m) {
        return new ConfigSource(m, Path.of("."));
    }

    private static KafkaSourceConfig sourceConfig(String topic, String passwordRef, Secrets secrets) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("input.kafka.topics", topic);
        m.put("input.kafka.starting-offsets", "earliest");
        m.put("input.kafka.bounded", "true");
        m.put("input.kafka.security.protocol", "SASL_PLAINTEXT");
        m.put("input.kafka.security.sasl.mechanism", "PLAIN");
        m.put("input.kafka.security.sasl.username", JaasUtils.KAFKA_PLAIN_ADMIN);
        m.put("input.kafka.security.sasl.password", passwordRef);
        return KafkaSourceConfig.from(source(m), secrets);
    }

    private static KafkaSinkConfig sinkConfig(String alerts, String passwordRef, Secrets secrets) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("output.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("output.kafka.alerts-topic", alerts);
        m.put("output.kafka.transactional-id-prefix", "sasl-" + alerts);
        m.put("output.kafka.transaction-timeout", "2m");
        m.put("output.kafka.security.protocol", "SASL_PLAINTEXT");
        m.put("output.kafka.security.sasl.username", JaasUtils.KAFKA_PLAIN_ADMIN);
        m.put("output.kafka.security.sasl.password", passwordRef);
        return KafkaSinkConfig.from(source(m), secrets);
    }

    /** A job that turns each input number into an alert: Kafka source in, exactly-once Kafka sink out. */
    private static void runJob(KafkaSourceConfig in, KafkaSinkConfig out) throws Exception {
        StreamExecutionEnvironment env = FlinkMiniClusters.env(Duration.ofSeconds(1));
        KafkaAuditSourceFactory.stream(env, in, 1024)
                .map(r -> SampleAlerts.workload(Integer.parseInt(new String(r.payload(), StandardCharsets.UTF_8))))
                .returns(TypeInformation.of(Alert.class))
                .sinkTo(KafkaAlertSinkFactory.alerts(out))
                .uid(KafkaAlertSinkFactory.ALERTS_UID);
        env.execute("sasl");
    }

    @Test
    void sourceAndSinkAuthenticateWithSecretsFromEnvironmentAndFile(@TempDir Path dir) throws Exception {
        String input = KAFKA.createTopic("sasl-in", 2);
        String alerts = KAFKA.createTopic("sasl-alerts", 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(new ProducerRecord<>(input, i % 2, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.produce(records);
        Path passwordFile = dir.resolve("kafka-password");
        Files.writeString(passwordFile, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\n", StandardCharsets.UTF_8);
        Secrets secrets = Secrets.fromSystem();
        assertThat(System.getenv("CRONSENTINEL_TEST_KAFKA_PASSWORD")).isEqualTo(JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD);

        runJob(sourceConfig(input, "env:CRONSENTINEL_TEST_KAFKA_PASSWORD", secrets),
                sinkConfig(alerts, "file:" + passwordFile, secrets));

        Set<String> keys = KAFKA.readAll(alerts, IsolationLevel.READ_COMMITTED).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(keys).isEqualTo(IntStream.range(0, 6).mapToObj(i -> SampleAlerts.workload(i).alertId())
                .collect(Collectors.toSet()));
    }

    @Test
    void aWrongPasswordFailsTheJobInsteadOfReadingAnonymously() throws Exception {
        String input = KAFKA.createTopic("sasl-in", 1);
        String alerts = KAFKA.createTopic("sasl-alerts", 1);
        KAFKA.produce(List.of(new ProducerRecord<>(input, 0, null, "1".getBytes(StandardCharsets.UTF_8))));
        Secrets secrets = Secrets.fromSystem();

        assertThatThrownBy(() -> runJob(sourceConfig(input, "env:CRONSENTINEL_TEST_WRONG_PASSWORD", secrets),
                sinkConfig(alerts, "env:CRONSENTINEL_TEST_KAFKA_PASSWORD", secrets)))
                .hasStackTraceContaining("SaslAuthenticationException");
        assertThat(KAFKA.readAll(alerts, IsolationLevel.READ_UNCOMMITTED)).isEmpty();
    }
}
