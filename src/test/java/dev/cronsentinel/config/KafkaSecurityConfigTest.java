package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityConfigTest {

    private static ConfigSource source(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new ConfigSource(m, Path.of("."));
    }

    /** The properties as the Kafka client sees them, variables resolved by Kafka's own transformer. */
    static Map<String, String> resolved(Map<String, String> props, Secrets secrets) {
        SecretReferenceConfigProvider provider = new SecretReferenceConfigProvider().withSecrets(secrets);
        return new ConfigTransformer(Map.of(SecretReferenceConfigProvider.ALIAS, provider)).transform(props).data();
    }

    @Test
    void plaintextByDefault() {
        KafkaSecurityConfig cfg = KafkaSecurityConfig.from(source(), "input.kafka.", new Secrets(Map.of()));
        assertThat(cfg).isEqualTo(KafkaSecurityConfig.plaintext());
        assertThat(cfg.clientProperties())
                .containsExactlyEntriesOf(Map.of("security.protocol", "PLAINTEXT"));
    }

    @Test
    void saslScramOverSslResolvesSecretsFromEnvAndFiles(@TempDir Path dir) throws Exception {
        Path trustPassword = dir.resolve("truststore-password");
        Files.writeString(trustPassword, "trust-me\n", StandardCharsets.UTF_8);
        Secrets secrets = new Secrets(Map.of("KAFKA_PASSWORD", "pa\"ss\\word"));
        ConfigSource c = source(
                "output.kafka.security.protocol", "sasl_ssl",
                "output.kafka.security.sasl.mechanism", "scram-sha-512",
                "output.kafka.security.sasl.username", "cronsentinel",
                "output.kafka.security.sasl.password", "env:KAFKA_PASSWORD",
                "output.kafka.security.ssl.truststore-location", "/etc/kafka/truststore.p12",
                "output.kafka.security.ssl.truststore-type", "PKCS12",
                "output.kafka.security.ssl.truststore-password", "file:" + trustPassword);
        KafkaSecurityConfig cfg = KafkaSecurityConfig.from(c, "output.kafka.", secrets);
        c.assertAllKeysUsed();

        // The record and the client properties keep references only; the Kafka client resolves them.
        assertThat(cfg.toString()).doesNotContain("pa\"ss").doesNotContain("trust-me");
        assertThat(cfg.saslPasswordRef()).isEqualTo("env:KAFKA_PASSWORD");
        assertThat(cfg.clientProperties().toString()).doesNotContain("pa\"ss").doesNotContain("trust-me");

        Map<String, String> props = resolved(cfg.clientProperties(), secrets);
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.password", "trust-me")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"cronsentinel\" password=\"pa\\\"ss\\\\word\";");
    }

    @Test
    void jaasConfigRoundTripsThroughKafkasOwnParser() {
        String password = "a\"b\\c d;e=f}";
        Secrets secrets = new Secrets(Map.of("P", password));
        KafkaSecurityConfig cfg = KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.username", "user \"x\"",
                "input.kafka.security.sasl.password", "env:P"), "input.kafka.", secrets);
        String jaas = resolved(cfg.clientProperties(), secrets).get("sasl.jaas.config");

        JaasContext parsed = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)));
        assertThat(parsed.configurationEntries()).hasSize(1);
        assertThat(parsed.configurationEntries().get(0).getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
        Map<String, Object> options = new LinkedHashMap<>(parsed.configurationEntries().get(0).getOptions());
        assertThat(options)
                .containsEntry("username", "user \"x\"")
                .containsEntry("password", password);
    }

    @Test
    void inlinePasswordIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.username", "u",
                "input.kafka.security.sasl.password", "hunter2"), "input.kafka.", new Secrets(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'input.kafka.security.sasl.password': secrets must be given as env:NAME or "
                        + "file:/path, never inline")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingEnvironmentVariableFailsAtStartNamingTheKey() {
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.username", "u",
                "input.kafka.security.sasl.password", "env:NOPE"), "input.kafka.", new Secrets(Map.of())))
                .hasMessage("config key 'input.kafka.security.sasl.password': environment variable NOPE is not set");
    }

    @Test
    void saslNeedsUserAndPasswordAndAKnownMechanism() {
        Secrets secrets = new Secrets(Map.of("P", "p"));
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.password", "env:P"), "input.kafka.", secrets))
                .hasMessage("config key 'input.kafka.security.sasl.username': is required");
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.username", "u"), "input.kafka.", secrets))
                .hasMessage("config key 'input.kafka.security.sasl.password': is required");
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.mechanism", "GSSAPI",
                "input.kafka.security.sasl.username", "u",
                "input.kafka.security.sasl.password", "env:P"), "input.kafka.", secrets))
                .hasMessageStartingWith("config key 'input.kafka.security.sasl.mechanism': unsupported SASL mechanism");
    }

    @Test
    void credentialsForAProtocolThatIgnoresThemAreRefused() {
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.sasl.username", "u"), "input.kafka.", new Secrets(Map.of())))
                .hasMessage("config key 'input.kafka.security.sasl.username': is set, but security.protocol is "
                        + "PLAINTEXT, which does not use it");
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "SASL_PLAINTEXT",
                "input.kafka.security.sasl.username", "u",
                "input.kafka.security.sasl.password", "env:P",
                "input.kafka.security.ssl.truststore-location", "/x"), "input.kafka.", new Secrets(Map.of("P", "p"))))
                .hasMessageStartingWith("config key 'input.kafka.security.ssl.truststore-location': is set, but");
    }

    @Test
    void unknownProtocolNamesTheKey() {
        assertThatThrownBy(() -> KafkaSecurityConfig.from(source(
                "input.kafka.security.protocol", "TLS"), "input.kafka.", new Secrets(Map.of())))
                .hasMessage("config key 'input.kafka.security.protocol': unknown value 'TLS', expected one of "
                        + "[plaintext, ssl, sasl-plaintext, sasl-ssl]");
    }
}
