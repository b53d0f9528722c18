package dev.cronsentinel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.KafkaSinkConfig.RecordTimestamp;
import dev.cronsentinel.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterRecordSerializerTest {

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void rawBytesBecomeTheValueAndEverythingElseAHeader() {
        byte[] raw = "{not json".getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = new DeadLetter("k8s-audit-1", 42, "malformed-json", "Unexpected end-of-input", raw,
                raw.length);
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecordSerializer("dlq", 1024, RecordTimestamp.EVENT_TIME)
                .serialize(letter, null, 7L);
        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(r.timestamp()).isEqualTo(7L);
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_INPUT_TIME)).isEqualTo("7");
        assertThat(r.value()).isEqualTo(raw);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k8s-audit-1");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_REASON)).isEqualTo("malformed-json");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_DETAIL)).isEqualTo("Unexpected end-of-input");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_ORIGIN)).isEqualTo("k8s-audit-1");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_POSITION)).isEqualTo("42");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_LENGTH)).isEqualTo(Integer.toString(raw.length));
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("false");
    }

    @Test
    void aPrefixFromTheDecoderIsMarkedTruncatedWithItsTrueLength() {
        byte[] prefix = new byte[100];
        DeadLetter letter = new DeadLetter("f.log", 3, "oversized", "record of 9999999 bytes", prefix, 9_999_999);
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecordSerializer("dlq", 1024, RecordTimestamp.PROCESSING_TIME).serialize(letter, null, null);
        assertThat(r.value()).hasSize(100);
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_LENGTH)).isEqualTo("9999999");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("true");
    }

    @Test
    void payloadLargerThanTheSinkLimitIsCutSoTheBrokerNeverRefusesIt() {
        byte[] raw = new byte[5000];
        DeadLetter letter = new DeadLetter("t-0", 1, "malformed-json", "x", raw, raw.length);
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecordSerializer("dlq", 1000, RecordTimestamp.PROCESSING_TIME).serialize(letter, null, null);
        assertThat(r.value()).hasSize(1000);
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_LENGTH)).isEqualTo("5000");
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("true");
    }

    @Test
    void missingFieldsDoNotBreakTheSink() {
        DeadLetter letter = new DeadLetter(null, 0, null, null, null, 0);
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecordSerializer("dlq", 10, RecordTimestamp.PROCESSING_TIME).serialize(letter, null, null);
        assertThat(r.key()).isNull();
        assertThat(r.value()).isEmpty();
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_REASON)).isNull();
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_TRUNCATED)).isEqualTo("false");
    }

    @Test
    void longDetailIsCutWithoutSplittingACharacter() {
        String detail = "é".repeat(3000); // two bytes each in UTF-8
        String cut = DeadLetterRecordSerializer.utf8Prefix(detail, 2047);
        assertThat(cut).isEqualTo("é".repeat(1023));
        assertThat(DeadLetterRecordSerializer.utf8Prefix("short", 2048)).isEqualTo("short");
        DeadLetter letter = new DeadLetter("t-0", 1, "r", detail, new byte[0], 0);
        ProducerRecord<byte[], byte[]> r = new DeadLetterRecordSerializer("dlq", 10, RecordTimestamp.PROCESSING_TIME).serialize(letter, null, null);
        assertThat(r.headers().lastHeader(DeadLetterRecordSerializer.HEADER_DETAIL).value())
                .hasSize(DeadLetterRecordSerializer.MAX_DETAIL_BYTES);
    }

    @Test
    void byDefaultTheProducerStampsADeadLetterAndTheInputTimeTravelsInAHeader() {
        byte[] raw = "{not json".getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = new DeadLetter("k8s-audit-1", 42, "malformed-json", "x", raw, raw.length);
        ProducerRecord<byte[], byte[]> r =
                new DeadLetterRecordSerializer("dlq", 1024, RecordTimestamp.PROCESSING_TIME).serialize(letter, null, 7L);
        assertThat(r.timestamp()).isNull();
        assertThat(header(r, DeadLetterRecordSerializer.HEADER_INPUT_TIME)).isEqualTo("7");
    }
}
