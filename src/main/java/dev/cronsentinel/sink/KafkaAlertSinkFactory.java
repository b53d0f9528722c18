package dev.cronsentinel.sink;

import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Builds the Kafka sinks for alerts and dead letters from a {@link KafkaSinkConfig}.
 *
 * <p>With exactly-once, each sink writes inside Kafka transactions that commit when a checkpoint completes,
 * so a {@code read_committed} consumer sees every alert once, even across failures and restores. The two
 * sinks get distinct transactional id prefixes: sharing one, they would fence each other's producers.
 * With at-least-once, records are flushed on each checkpoint and a restore may repeat some; alert ids are
 * deterministic, so a keyed or upserting consumer absorbs the repeats.
 */
public final class KafkaAlertSinkFactory {
    /** Stable operator ids for the topology's {@code sinkTo(...).uid(...)}: sink state is restored by them. */
    public static final String ALERTS_UID = "kafka-alert-sink";
    public static final String DEAD_LETTERS_UID = "kafka-dead-letter-sink";

    private KafkaAlertSinkFactory() {}

    /** Secrets are resolved by the Kafka producer where it is created (SecretReferenceConfigProvider), never here. */
    public static KafkaSink<Alert> alerts(KafkaSinkConfig config) {
        return build(config, new AlertRecordSerializer(config.alertsTopic(), config.recordTimestamp()),
                config.alertsTransactionalIdPrefix());
    }

    public static KafkaSink<DeadLetter> deadLetters(KafkaSinkConfig config) {
        return build(config,
                new DeadLetterRecordSerializer(config.deadLetterTopic(), config.deadLetterMaxBytes(),
                        config.recordTimestamp()),
                config.deadLettersTransactionalIdPrefix());
    }

    private static <T> KafkaSink<T> build(KafkaSinkConfig config,
            KafkaRecordSerializationSchema<T> serializer, String transactionalIdPrefix) {
        DeliveryGuarantee guarantee = switch (config.delivery()) {
            case EXACTLY_ONCE -> DeliveryGuarantee.EXACTLY_ONCE;
            case AT_LEAST_ONCE -> DeliveryGuarantee.AT_LEAST_ONCE;
        };
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producerProperties(config))
                .build();
    }

    static Properties producerProperties(KafkaSinkConfig config) {
        Properties p = new Properties();
        // The connector's default (1 h) exceeds the broker's default transaction.max.timeout.ms (15 min), which
        // makes every transactional producer fail at start; the config bounds it instead.
        p.setProperty("transaction.timeout.ms", Long.toString(config.transactionTimeout().toMillis()));
        p.putAll(config.security().clientProperties());
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        return p;
    }
}
