package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Where and how the job writes alerts and dead letters to Kafka: the keys under {@code output.kafka.}.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param alertsTopic alerts and escalations, keyed by alert id, JSON values
 * @param deadLetterTopic undecodable input: raw bytes as the value, reason and source position in headers
 * @param delivery exactly-once (transactions committed on checkpoint; readers use {@code read_committed}) or
 *     at-least-once (flushed on checkpoint; a restart can repeat alerts, which idempotent alert ids absorb)
 * @param transactionalIdPrefix stem of the Kafka transactional ids. Must be unique per job on the cluster and
 *     stable across restarts: a restarted job aborts its predecessor's open transactions by these ids.
 * @param transactionTimeout Kafka {@code transaction.timeout.ms}. Longer than the checkpoint interval plus the
 *     longest restart, and at most the broker's {@code transaction.max.timeout.ms} (15 min by default).
 * @param deadLetterMaxBytes dead-letter payloads are cut to this many bytes so a huge bad record cannot exceed
 *     the broker's message size limit and fail the sink; the headers keep the original length
 * @param recordTimestamp what the Kafka record timestamp of an alert or dead letter is: the time it was
 *     written (the default) or the audit event's time. See {@link RecordTimestamp}.
 * @param security authentication and encryption
 * @param properties extra producer properties, passed through to the Kafka client unchanged
 */
public record KafkaSinkConfig(
        String bootstrapServers,
        String alertsTopic,
        String deadLetterTopic,
        Delivery delivery,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        int deadLetterMaxBytes,
        RecordTimestamp recordTimestamp,
        KafkaSecurityConfig security,
        Map<String, String> properties) implements Serializable {

    public static final String PREFIX = "output.kafka.";

    /** The delivery guarantees a SOC pipeline may choose from. */
    public enum Delivery {
        EXACTLY_ONCE, AT_LEAST_ONCE
    }

    /**
     * The Kafka record timestamp of the records the job writes. Kafka's time retention
     * ({@code retention.ms}, 7 days by default) deletes a closed segment once its newest record timestamp is
     * older than the retention, and a broker with {@code log.message.timestamp.before.max.ms} refuses records
     * stamped too far in the past. An alert's event time is the audit event's time, which in a replay of
     * archived logs, a retro-hunt or a warm-up is days or months old: stamped with it, alerts would be deleted
     * by the first retention check after their segment rolls, or refused. So the default is the time of
     * writing, and the event time travels in the {@code cronsentinel.event-time} header and the document.
     */
    public enum RecordTimestamp {
        /** The producer's clock when the record is sent; the event time goes into a header. */
        PROCESSING_TIME,
        /**
         * The audit event's time (the Flink record timestamp). Only for topics without time retention
         * ({@code retention.ms=-1}, or compaction only) that consumers read by event time.
         */
        EVENT_TIME;

        /**
         * The timestamp to give a {@code ProducerRecord}: {@code null} lets the producer stamp the record with
         * its own clock when it is sent.
         */
        public Long kafkaTimestamp(Long eventTime) {
            return this == EVENT_TIME ? eventTime : null;
        }
    }

    private static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
            "transactional.id", "transaction.timeout.ms");

    public KafkaSinkConfig {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public static KafkaSinkConfig from(ConfigSource c) {
        return from(c, Secrets.fromSystem());
    }

    public static KafkaSinkConfig from(ConfigSource c, Secrets secrets) {
        String bootstrap = KafkaClientChecks.bootstrapServers(c, PREFIX + "bootstrap-servers");
        String alerts = KafkaClientChecks.topic(PREFIX + "alerts-topic",
                c.string(PREFIX + "alerts-topic", "cronsentinel-alerts"));
        String deadLetters = KafkaClientChecks.topic(PREFIX + "dead-letter-topic",
                c.string(PREFIX + "dead-letter-topic", "cronsentinel-dead-letters"));
        if (alerts.equals(deadLetters)) {
            throw ConfigException.forKey(PREFIX + "dead-letter-topic",
                    "must differ from " + PREFIX + "alerts-topic ('" + alerts + "')");
        }
        Delivery delivery = c.enumValue(PREFIX + "delivery-guarantee", Delivery.class, Delivery.EXACTLY_ONCE);
        String prefixKey = PREFIX + "transactional-id-prefix";
        String txPrefix = c.string(prefixKey, "cronsentinel");
        for (int i = 0; i < txPrefix.length(); i++) {
            char ch = txPrefix.charAt(i);
            if (!(Character.isLetterOrDigit(ch) || ch == '.' || ch == '_' || ch == '-')) {
                throw ConfigException.forKey(prefixKey, "may hold only letters, digits, '.', '_' and '-', got '"
                        + txPrefix + "'");
            }
        }
        String timeoutKey = PREFIX + "transaction-timeout";
        Duration timeout = c.duration(timeoutKey, Duration.ofMinutes(10));
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofDays(1)) > 0) {
            throw ConfigException.forKey(timeoutKey, "must be between 1s and 1d, got " + timeout);
        }
        // 900 KiB leaves room for headers under the broker's default 1 MiB message limit.
        int dlMax = c.intValue(PREFIX + "dead-letter-max-bytes", 900 * 1024, 0, 64 * 1024 * 1024);
        RecordTimestamp recordTimestamp = c.enumValue(PREFIX + "record-timestamp", RecordTimestamp.class,
                RecordTimestamp.PROCESSING_TIME);
        KafkaSecurityConfig security = KafkaSecurityConfig.from(c, PREFIX, secrets);
        Map<String, String> props = KafkaClientChecks.passThrough(c, PREFIX, OWNED);
        return new KafkaSinkConfig(bootstrap, alerts, deadLetters, delivery, txPrefix, timeout, dlMax,
                recordTimestamp, security, props);
    }

    /**
     * Cross-checks the sink against the job's checkpointing, which only the job config knows: exactly-once
     * commits a transaction on each completed checkpoint, so without checkpoints nothing ever becomes visible,
     * and a transaction that outlives its timeout is aborted by the broker, losing its alerts.
     *
     * @param checkpointInterval the checkpoint interval, or null when checkpointing is off
     */
    public void checkAgainstCheckpointing(Duration checkpointInterval) {
        if (delivery != Delivery.EXACTLY_ONCE) {
            return;
        }
        if (checkpointInterval == null || checkpointInterval.isZero() || checkpointInterval.isNegative()) {
            throw ConfigException.forKey(PREFIX + "delivery-guarantee", "exactly-once needs checkpointing: alerts "
                    + "are committed only when a checkpoint completes");
        }
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw ConfigException.forKey(PREFIX + "transaction-timeout", "must be at least twice the checkpoint "
                    + "interval (" + checkpointInterval + "), got " + transactionTimeout);
        }
    }

    /** The transactional id prefix of the alert sink; each sink needs its own, or they would fence each other. */
    public String alertsTransactionalIdPrefix() {
        return transactionalIdPrefix + "-alerts";
    }

    public String deadLettersTransactionalIdPrefix() {
        return transactionalIdPrefix + "-dead-letters";
    }
}
