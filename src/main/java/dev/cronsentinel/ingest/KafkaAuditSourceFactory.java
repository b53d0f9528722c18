package dev.cronsentinel.ingest;

import dev.cronsentinel.config.KafkaSourceConfig;
import dev.cronsentinel.model.RawAuditRecord;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the Kafka source of raw audit records from a {@link KafkaSourceConfig}.
 *
 * <p>The source assigns no watermarks: event time lives inside the audit JSON, so the topology assigns
 * timestamps and watermarks after decoding (bounded out-of-orderness plus idleness there keeps an idle
 * partition from stalling correlation). Offsets are committed to the consumer group on each checkpoint for
 * monitoring; on restore the job resumes from the offsets in its checkpoint, not from the group.
 */
public final class KafkaAuditSourceFactory {
    /** Stable operator id of the source: its state (the split offsets) is restored by this id. */
    public static final String UID = "kafka-audit-source";
    public static final String NAME = "Kafka audit events";

    private KafkaAuditSourceFactory() {}

    /**
     * The source as a stream, with a stable uid. Secrets are read from the environment or files of the process
     * that creates the Kafka consumer (see {@code SecretReferenceConfigProvider}), never here.
     *
     * @param maxRecordBytes {@code ingest.max-record-bytes}: a longer Kafka value is handed on as a prefix with
     *     its true length, and the decoder dead-letters it as oversized
     */
    public static DataStream<RawAuditRecord> stream(
            StreamExecutionEnvironment env, KafkaSourceConfig config, int maxRecordBytes) {
        return env.fromSource(create(config, maxRecordBytes), WatermarkStrategy.noWatermarks(), NAME)
                .uid(UID);
    }

    public static KafkaSource<RawAuditRecord> create(KafkaSourceConfig config, int maxRecordBytes) {
        KafkaSourceBuilder<RawAuditRecord> b = KafkaSource.<RawAuditRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setGroupId(config.groupId())
                .setClientIdPrefix(config.groupId())
                .setDeserializer(new KafkaAuditRecordDeserializer(maxRecordBytes))
                .setStartingOffsets(startingOffsets(config))
                .setProperties(consumerProperties(config));
        if (config.topicPattern() != null) {
            b.setTopicPattern(Pattern.compile(config.topicPattern()));
        } else {
            b.setTopics(config.topics());
        }
        if (config.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static Properties consumerProperties(KafkaSourceConfig config) {
        Properties p = new Properties();
        // Producers of the audit topic may write transactionally; never read what they later abort.
        p.setProperty("isolation.level", "read_committed");
        if (!config.bounded()) { // a bounded source reads a fixed set of partitions and discovers none
            p.setProperty("partition.discovery.interval.ms",
                    Long.toString(config.partitionDiscoveryInterval().toMillis()));
        }
        p.putAll(config.security().clientProperties());
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        return p;
    }

    // OffsetResetStrategy is deprecated in kafka-clients 4 but is still what the connector's API takes.
    @SuppressWarnings("deprecation")
    static OffsetsInitializer startingOffsets(KafkaSourceConfig config) {
        return switch (config.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(config.startTimestampMillis());
            case COMMITTED -> OffsetsInitializer.committedOffsets(
                    OffsetResetStrategy.valueOf(config.offsetReset().name().toUpperCase(Locale.ROOT)));
        };
    }
}
