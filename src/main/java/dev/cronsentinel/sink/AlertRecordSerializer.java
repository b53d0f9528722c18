package dev.cronsentinel.sink;

import dev.cronsentinel.config.KafkaSinkConfig.RecordTimestamp;
import dev.cronsentinel.model.Alert;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.json.JsonSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One alert as one Kafka record: key = the alert id (UTF-8), value = the alert JSON of {@link AlertJson}.
 * Keying by alert id sends every version of an alert to the same partition, so a compacted topic or a
 * consumer that upserts by key keeps exactly one document per finding. {@code kind} and {@code severity}
 * are also set as headers, so consumers can route without parsing the JSON.
 *
 * <p>The record timestamp follows {@link RecordTimestamp}: by default the time of writing, because an alert's
 * event time can be months old (a replay, a retro-hunt) and time retention would delete it. The event time is
 * always in the {@value #HEADER_EVENT_TIME} header (epoch milliseconds) and in the document.
 */
public final class AlertRecordSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER_KIND = "cronsentinel.kind";
    public static final String HEADER_SEVERITY = "cronsentinel.severity";
    public static final String HEADER_EVENT_TIME = "cronsentinel.event-time";

    private final String topic;
    private final RecordTimestamp recordTimestamp;
    private final JsonSerializationSchema<Alert> json = new JsonSerializationSchema<>(AlertJson::newFlinkMapper);

    public AlertRecordSerializer(String topic, RecordTimestamp recordTimestamp) {
        this.topic = topic;
        this.recordTimestamp = recordTimestamp;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        json.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                recordTimestamp.kafkaTimestamp(timestamp), alert.alertId().getBytes(StandardCharsets.UTF_8),
                json.serialize(alert));
        if (timestamp != null) {
            record.headers().add(HEADER_EVENT_TIME, Long.toString(timestamp).getBytes(StandardCharsets.UTF_8));
        }
        if (alert.kind() != null) {
            record.headers().add(HEADER_KIND, alert.kind().toString().getBytes(StandardCharsets.UTF_8));
        }
        if (alert.severity() != null) {
            record.headers().add(HEADER_SEVERITY, alert.severity().toString().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
