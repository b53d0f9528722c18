package dev.cronsentinel.sink;

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
 */
public final class AlertRecordSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER_KIND = "cronsentinel.kind";
    public static final String HEADER_SEVERITY = "cronsentinel.severity";

    private final String topic;
    private final JsonSerializationSchema<Alert> json = new JsonSerializationSchema<>(AlertJson::newFlinkMapper);

    public AlertRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        json.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                alert.alertId().getBytes(StandardCharsets.UTF_8), json.serialize(alert));
        if (alert.kind() != null) {
            record.headers().add(HEADER_KIND, alert.kind().toString().getBytes(StandardCharsets.UTF_8));
        }
        if (alert.severity() != null) {
            record.headers().add(HEADER_SEVERITY, alert.severity().toString().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
