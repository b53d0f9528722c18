package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.model.RawAuditRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaAuditRecordDeserializerTest {

    private static List<RawAuditRecord> deserialize(KafkaAuditRecordDeserializer d, ConsumerRecord<byte[], byte[]> r)
            throws Exception {
        List<RawAuditRecord> out = new ArrayList<>();
        d.deserialize(r, new Collector<>() {
            @Override
            public void collect(RawAuditRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        return out;
    }

    @Test
    void valueIsPassedOnUntouchedWithTopicPartitionAndOffset() throws Exception {
        byte[] value = "{\"kind\":\"Event\"}".getBytes(StandardCharsets.UTF_8);
        List<RawAuditRecord> out = deserialize(new KafkaAuditRecordDeserializer(1024),
                new ConsumerRecord<>("k8s-audit.prod", 3, 4711L, null, value));
        assertThat(out).hasSize(1);
        RawAuditRecord r = out.get(0);
        assertThat(r.origin()).isEqualTo("k8s-audit.prod-3");
        assertThat(r.position()).isEqualTo(4711L);
        assertThat(r.payload()).isSameAs(value);
        assertThat(r.length()).isEqualTo(value.length);
    }

    @Test
    void nullValueStillYieldsARecordSoTheDecoderCanDeadLetterIt() throws Exception {
        List<RawAuditRecord> out = deserialize(new KafkaAuditRecordDeserializer(1024),
                new ConsumerRecord<>("t", 0, 9L, "k".getBytes(StandardCharsets.UTF_8), null));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.origin()).isEqualTo("t-0");
            assertThat(r.position()).isEqualTo(9L);
            assertThat(r.payload()).isEmpty();
            assertThat(r.length()).isZero();
        });
    }

    @Test
    void oversizedValueIsCutToAPrefixAndKeepsItsTrueLength() throws Exception {
        byte[] value = new byte[5000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        List<RawAuditRecord> out = deserialize(new KafkaAuditRecordDeserializer(1024),
                new ConsumerRecord<>("t", 1, 0L, null, value));
        RawAuditRecord r = out.get(0);
        assertThat(r.payload()).hasSize(1024).isEqualTo(java.util.Arrays.copyOf(value, 1024));
        assertThat(r.length()).isEqualTo(5000);
    }

    @Test
    void valueOfExactlyTheLimitIsKeptWhole() throws Exception {
        byte[] value = new byte[1024];
        RawAuditRecord r = deserialize(new KafkaAuditRecordDeserializer(1024),
                new ConsumerRecord<>("t", 1, 0L, null, value)).get(0);
        assertThat(r.payload()).isSameAs(value);
        assertThat(r.length()).isEqualTo(1024);
    }

    @Test
    void producedTypeIsAPojoNotAGenericType() {
        assertThat(new KafkaAuditRecordDeserializer(1).getProducedType()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void nonPositiveLimitIsRefused() {
        assertThatThrownBy(() -> new KafkaAuditRecordDeserializer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
