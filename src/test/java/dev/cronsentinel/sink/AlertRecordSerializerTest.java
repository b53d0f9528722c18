package dev.cronsentinel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.KafkaSinkConfig.RecordTimestamp;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.testing.SampleAlerts;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AlertRecordSerializerTest {

    /** The serializer as a sink would get it: through Java serialization, then opened. */
    private static AlertRecordSerializer shippedAndOpened(String topic, RecordTimestamp mode) throws Exception {
        AlertRecordSerializer s = InstantiationUtil.clone(new AlertRecordSerializer(topic, mode));
        s.open(new SerializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(AlertRecordSerializerTest.class.getClassLoader());
            }
        }, null);
        return s;
    }

    @Test
    void keyIsTheAlertIdAndValueTheWireJson() throws Exception {
        Alert alert = SampleAlerts.escalation(7);
        ProducerRecord<byte[], byte[]> r =
                shippedAndOpened("alerts", RecordTimestamp.EVENT_TIME).serialize(alert, null, 123L);
        assertThat(r.topic()).isEqualTo("alerts");
        assertThat(r.timestamp()).isEqualTo(123L);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.alertId());
        String json = new String(r.value(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(AlertJson.toJson(alert));
        assertThat(AlertJson.fromJson(json)).isEqualTo(alert);
        assertThat(new String(r.headers().lastHeader(AlertRecordSerializer.HEADER_KIND).value(),
                StandardCharsets.UTF_8)).isEqualTo("escalation");
        assertThat(new String(r.headers().lastHeader(AlertRecordSerializer.HEADER_SEVERITY).value(),
                StandardCharsets.UTF_8)).isEqualTo("critical");
    }

    @Test
    void byDefaultTheProducerStampsTheRecordAndTheEventTimeTravelsInAHeader() throws Exception {
        Alert alert = SampleAlerts.escalation(7);
        long monthOld = alert.eventTime();
        ProducerRecord<byte[], byte[]> r =
                shippedAndOpened("alerts", RecordTimestamp.PROCESSING_TIME).serialize(alert, null, monthOld);
        // null: KafkaProducer stamps the record with its own clock when it sends it.
        assertThat(r.timestamp()).isNull();
        assertThat(new String(r.headers().lastHeader(AlertRecordSerializer.HEADER_EVENT_TIME).value(),
                StandardCharsets.UTF_8)).isEqualTo(Long.toString(monthOld));
    }

    @Test
    void aRecordWithoutAFlinkTimestampHasNoEventTimeHeader() throws Exception {
        ProducerRecord<byte[], byte[]> r = shippedAndOpened("alerts", RecordTimestamp.PROCESSING_TIME)
                .serialize(SampleAlerts.escalation(7), null, null);
        assertThat(r.timestamp()).isNull();
        assertThat(r.headers().lastHeader(AlertRecordSerializer.HEADER_EVENT_TIME)).isNull();
    }
}
