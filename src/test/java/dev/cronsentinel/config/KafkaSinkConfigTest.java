package dev.cronsentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.KafkaSinkConfig.Delivery;
import dev.cronsentinel.config.KafkaSinkConfig.RecordTimestamp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSinkConfigTest {
    private static final Secrets NO_ENV = new Secrets(Map.of());

    private static ConfigSource source(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new ConfigSource(m, Path.of("."));
    }

    private static KafkaSinkConfig parse(String... kv) {
        return KafkaSinkConfig.from(source(kv), NO_ENV);
    }

    @Test
    void defaultsAreExactlyOnceWithABoundedTransactionTimeout() {
        ConfigSource c = source("output.kafka.bootstrap-servers", "localhost:9092");
        KafkaSinkConfig cfg = KafkaSinkConfig.from(c, NO_ENV);
        assertThat(cfg.alertsTopic()).isEqualTo("cronsentinel-alerts");
        assertThat(cfg.deadLetterTopic()).isEqualTo("cronsentinel-dead-letters");
        assertThat(cfg.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(cfg.transactionalIdPrefix()).isEqualTo("cronsentinel");
        assertThat(cfg.alertsTransactionalIdPrefix()).isNotEqualTo(cfg.deadLettersTransactionalIdPrefix());
        assertThat(cfg.transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(cfg.deadLetterMaxBytes()).isEqualTo(900 * 1024);
        assertThat(cfg.recordTimestamp()).isEqualTo(RecordTimestamp.PROCESSING_TIME);
        c.assertAllKeysUsed();
    }

    @Test
    void recordTimestampsAreTheTimeOfWritingUnlessEventTimeIsAskedFor() {
        assertThat(parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.record-timestamp", "event-time").recordTimestamp())
                .isEqualTo(RecordTimestamp.EVENT_TIME);
        assertThat(parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.record-timestamp", "processing-time").recordTimestamp())
                .isEqualTo(RecordTimestamp.PROCESSING_TIME);
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.record-timestamp", "log-append-time"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.kafka.record-timestamp")
                .hasMessageContaining("processing-time");
    }

    @Test
    void atLeastOnceIsAvailableByConfig() {
        ConfigSource c = source("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.delivery-guarantee", "at-least-once",
                "output.kafka.alerts-topic", "soc.alerts",
                "output.kafka.dead-letter-topic", "soc.dlq",
                "output.kafka.transactional-id-prefix", "cs-prod.1",
                "output.kafka.transaction-timeout", "5m",
                "output.kafka.dead-letter-max-bytes", "4096",
                "output.kafka.properties.linger.ms", "20");
        KafkaSinkConfig cfg = KafkaSinkConfig.from(c, NO_ENV);
        assertThat(cfg.delivery()).isEqualTo(Delivery.AT_LEAST_ONCE);
        assertThat(cfg.alertsTopic()).isEqualTo("soc.alerts");
        assertThat(cfg.deadLetterTopic()).isEqualTo("soc.dlq");
        assertThat(cfg.transactionalIdPrefix()).isEqualTo("cs-prod.1");
        assertThat(cfg.transactionTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cfg.deadLetterMaxBytes()).isEqualTo(4096);
        assertThat(cfg.properties()).containsExactlyEntriesOf(Map.of("linger.ms", "20"));
        c.assertAllKeysUsed();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> parse())
                .hasMessage("config key 'output.kafka.bootstrap-servers': is required");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.delivery-guarantee", "none"))
                .hasMessage("config key 'output.kafka.delivery-guarantee': unknown value 'none', expected one of "
                        + "[exactly-once, at-least-once]");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.dead-letter-topic", "cronsentinel-alerts"))
                .hasMessage("config key 'output.kafka.dead-letter-topic': must differ from output.kafka.alerts-topic "
                        + "('cronsentinel-alerts')");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.transactional-id-prefix", "a b"))
                .hasMessageStartingWith("config key 'output.kafka.transactional-id-prefix': may hold only");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.transaction-timeout", "0s"))
                .hasMessageStartingWith("config key 'output.kafka.transaction-timeout': must be between 1s and 1d");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.properties.transaction.timeout.ms", "1000"))
                .hasMessageStartingWith("config key 'output.kafka.properties.transaction.timeout.ms': is set by its");
        assertThatThrownBy(() -> parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.alerts-topic", "alerts!"))
                .hasMessageStartingWith("config key 'output.kafka.alerts-topic': 'alerts!' is not a valid Kafka");
    }

    @Test
    void exactlyOnceIsCheckedAgainstCheckpointing() {
        KafkaSinkConfig exactlyOnce = parse("output.kafka.bootstrap-servers", "localhost:9092");
        assertThatThrownBy(() -> exactlyOnce.checkAgainstCheckpointing(null))
                .hasMessageStartingWith("config key 'output.kafka.delivery-guarantee': exactly-once needs "
                        + "checkpointing");
        assertThatThrownBy(() -> exactlyOnce.checkAgainstCheckpointing(Duration.ofMinutes(6)))
                .hasMessageStartingWith("config key 'output.kafka.transaction-timeout': must be at least twice");
        assertThatCode(() -> exactlyOnce.checkAgainstCheckpointing(Duration.ofSeconds(30))).doesNotThrowAnyException();

        KafkaSinkConfig atLeastOnce = parse("output.kafka.bootstrap-servers", "localhost:9092",
                "output.kafka.delivery-guarantee", "at-least-once");
        assertThatCode(() -> atLeastOnce.checkAgainstCheckpointing(null)).doesNotThrowAnyException();
    }
}
