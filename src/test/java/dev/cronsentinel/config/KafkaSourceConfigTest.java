package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.KafkaSourceConfig.OffsetReset;
import dev.cronsentinel.config.KafkaSourceConfig.StartingOffsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSourceConfigTest {
    private static final Secrets NO_ENV = new Secrets(Map.of());

    private static ConfigSource source(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new ConfigSource(m, Path.of("."));
    }

    private static KafkaSourceConfig parse(String... kv) {
        return KafkaSourceConfig.from(source(kv), NO_ENV);
    }

    @Test
    void minimalConfigGetsDefaults() {
        ConfigSource c = source("input.kafka.bootstrap-servers", "localhost:9092", "input.kafka.topics", "k8s-audit");
        KafkaSourceConfig cfg = KafkaSourceConfig.from(c, NO_ENV);
        assertThat(cfg.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(cfg.topics()).containsExactly("k8s-audit");
        assertThat(cfg.topicPattern()).isNull();
        assertThat(cfg.groupId()).isEqualTo("cronsentinel");
        assertThat(cfg.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(cfg.offsetReset()).isEqualTo(OffsetReset.EARLIEST);
        assertThat(cfg.bounded()).isFalse();
        assertThat(cfg.partitionDiscoveryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.security()).isEqualTo(KafkaSecurityConfig.plaintext());
        assertThat(cfg.properties()).isEmpty();
        c.assertAllKeysUsed();
    }

    @Test
    void everyKeyIsRead() {
        ConfigSource c = source(
                "input.kafka.bootstrap-servers", "a:9092,b:9093",
                "input.kafka.topic-pattern", "k8s-audit-.*",
                "input.kafka.group-id", "soc",
                "input.kafka.starting-offsets", "timestamp",
                "input.kafka.start-timestamp", "2026-11-23T14:00:00Z",
                "input.kafka.offset-reset", "latest",
                "input.kafka.bounded", "true",
                "input.kafka.partition-discovery-interval", "30s",
                "input.kafka.properties.fetch.max.bytes", "1000000");
        KafkaSourceConfig cfg = KafkaSourceConfig.from(c, NO_ENV);
        assertThat(cfg.topics()).isEmpty();
        assertThat(cfg.topicPattern()).isEqualTo("k8s-audit-.*");
        assertThat(cfg.groupId()).isEqualTo("soc");
        assertThat(cfg.startingOffsets()).isEqualTo(StartingOffsets.TIMESTAMP);
        assertThat(cfg.startTimestampMillis()).isEqualTo(1795442400000L);
        assertThat(cfg.offsetReset()).isEqualTo(OffsetReset.LATEST);
        assertThat(cfg.bounded()).isTrue();
        assertThat(cfg.partitionDiscoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.properties()).containsExactlyEntriesOf(Map.of("fetch.max.bytes", "1000000"));
        c.assertAllKeysUsed();
    }

    @Test
    void topicListAcceptsSeveralTopicsAndEpochMillis() {
        KafkaSourceConfig cfg = parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "a, b.c ,d_e",
                "input.kafka.starting-offsets", "timestamp",
                "input.kafka.start-timestamp", "1700000000000");
        assertThat(cfg.topics()).containsExactly("a", "b.c", "d_e");
        assertThat(cfg.startTimestampMillis()).isEqualTo(1700000000000L);
    }

    @Test
    void missingBootstrapServersNamesTheKey() {
        assertThatThrownBy(() -> parse("input.kafka.topics", "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'input.kafka.bootstrap-servers': is required");
    }

    @Test
    void malformedBootstrapServersNamesTheKey() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost", "input.kafka.topics", "t"))
                .hasMessageStartingWith("config key 'input.kafka.bootstrap-servers': expected host:port");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "a:1,b:99999", "input.kafka.topics", "t"))
                .hasMessage("config key 'input.kafka.bootstrap-servers': port of 'b:99999' is out of range");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "a:x", "input.kafka.topics", "t"))
                .hasMessage("config key 'input.kafka.bootstrap-servers': port of 'a:x' is not a number");
    }

    @Test
    void malformedPatternNamesTheKey() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topic-pattern", "audit-(.*"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key 'input.kafka.topic-pattern': malformed pattern 'audit-(.*'");
    }

    @Test
    void topicsAndPatternAreExclusiveAndOneIsRequired() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092"))
                .hasMessage("config key 'input.kafka.topics': set either input.kafka.topics or "
                        + "input.kafka.topic-pattern");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "a", "input.kafka.topic-pattern", "a.*"))
                .hasMessage("config key 'input.kafka.topics': set either input.kafka.topics or "
                        + "input.kafka.topic-pattern, not both");
    }

    @Test
    void illegalTopicNameNamesTheKey() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "good,bad/topic"))
                .hasMessageStartingWith("config key 'input.kafka.topics': 'bad/topic' is not a valid Kafka topic");
    }

    @Test
    void unknownStartingOffsetsNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.starting-offsets", "beginning"))
                .hasMessage("config key 'input.kafka.starting-offsets': unknown value 'beginning', expected one of "
                        + "[committed, earliest, latest, timestamp]");
    }

    @Test
    void timestampModeNeedsAValidTimestampAndOtherModesRefuseOne() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.starting-offsets", "timestamp"))
                .hasMessage("config key 'input.kafka.start-timestamp': is required");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.starting-offsets", "timestamp",
                "input.kafka.start-timestamp", "yesterday"))
                .hasMessageStartingWith("config key 'input.kafka.start-timestamp': expected an ISO-8601 instant");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.start-timestamp", "0"))
                .hasMessage("config key 'input.kafka.start-timestamp': is set, but input.kafka.starting-offsets "
                        + "is committed, not timestamp");
    }

    @Test
    void secretsCannotBePassedThrough() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.properties.sasl.jaas.config", "x"))
                .hasMessageStartingWith("config key 'input.kafka.properties.sasl.jaas.config': secrets cannot be");
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.properties.ssl.truststore.password", "x"))
                .hasMessageStartingWith("config key 'input.kafka.properties.ssl.truststore.password': secrets");
    }

    @Test
    void propertiesWithTheirOwnKeyCannotBePassedThrough() {
        assertThatThrownBy(() -> parse("input.kafka.bootstrap-servers", "localhost:9092",
                "input.kafka.topics", "t", "input.kafka.properties.group.id", "other"))
                .hasMessage("config key 'input.kafka.properties.group.id': is set by its own key under "
                        + "input.kafka. and cannot be passed through");
    }

    @Test
    void recordIsAValue() {
        KafkaSourceConfig a = parse("input.kafka.bootstrap-servers", "localhost:9092", "input.kafka.topics", "t");
        KafkaSourceConfig b = parse("input.kafka.bootstrap-servers", "localhost:9092", "input.kafka.topics", "t");
        assertThat(a).isEqualTo(b);
        assertThat(a.topics()).isInstanceOf(List.class);
        assertThatThrownBy(() -> a.topics().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
