package dev.cronsentinel.ingest;

import dev.cronsentinel.model.RawAuditRecord;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record into exactly one {@link RawAuditRecord}, without looking inside it. Decoding
 * happens downstream in the decoder, which dead-letters what it cannot read; this class therefore never
 * throws, because an exception here would fail the source and restart the job on the same record forever.
 *
 * <ul>
 *   <li>{@code origin} is {@code <topic>-<partition>} and {@code position} the offset, so a dead letter or an
 *       alert can be traced back to the exact record;</li>
 *   <li>a null value (a tombstone) still yields a record, with an empty payload, so it is dead-lettered rather
 *       than silently skipped;</li>
 *   <li>a value longer than {@code maxRecordBytes} is cut to that prefix and keeps its true length, so the
 *       decoder can report it as oversized without the job buffering it further.</li>
 * </ul>
 */
public final class KafkaAuditRecordDeserializer implements KafkaRecordDeserializationSchema<RawAuditRecord> {
    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    private final int maxRecordBytes;

    public KafkaAuditRecordDeserializer(int maxRecordBytes) {
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawAuditRecord> out) {
        out.collect(toRaw(record));
    }

    RawAuditRecord toRaw(ConsumerRecord<byte[], byte[]> record) {
        String origin = record.topic() + "-" + record.partition();
        byte[] value = record.value();
        if (value == null) {
            return new RawAuditRecord(origin, record.offset(), EMPTY, 0);
        }
        if (value.length > maxRecordBytes) {
            return new RawAuditRecord(origin, record.offset(), Arrays.copyOf(value, maxRecordBytes), value.length);
        }
        return new RawAuditRecord(origin, record.offset(), value, value.length);
    }

    @Override
    public TypeInformation<RawAuditRecord> getProducedType() {
        return TypeInformation.of(RawAuditRecord.class);
    }
}
