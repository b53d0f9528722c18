package dev.cronsentinel.sink;

import dev.cronsentinel.config.KafkaSinkConfig.RecordTimestamp;
import dev.cronsentinel.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * One dead letter as one Kafka record whose value is the raw input bytes, so an operator can fix and replay
 * the record with ordinary Kafka tools; everything else travels in headers:
 * <ul>
 *   <li>{@value #HEADER_REASON}: the machine-readable category ({@code malformed-json}, {@code oversized}...);</li>
 *   <li>{@value #HEADER_DETAIL}: the human-readable explanation, cut to {@value #MAX_DETAIL_BYTES} bytes;</li>
 *   <li>{@value #HEADER_ORIGIN}: where the input came from, {@code <topic>-<partition>} for Kafka input or a
 *       file path;</li>
 *   <li>{@value #HEADER_POSITION}: the Kafka offset or file line number;</li>
 *   <li>{@value #HEADER_LENGTH}: the length of the whole original record, and {@value #HEADER_TRUNCATED}
 *       ({@code true}/{@code false}): whether the value holds only a prefix of it.</li>
 * </ul>
 * The key is the origin, so the dead letters of one source partition land in one partition here (in their
 * original order when, as in the topology, source, decoder and sink run chained in one subtask).
 * The value is cut to {@code maxBytes}: a dead letter must never be too large for the broker, because a
 * failed write would fail the job on the very input it was meant to set aside.
 *
 * <p>The record timestamp follows {@link RecordTimestamp}, as for alerts: a dead letter's Flink timestamp is
 * its input record's time, which in a replay is old, and time retention would delete the dead letter before
 * anyone looked at it. That input time, when there is one, goes into {@value #HEADER_INPUT_TIME}.
 */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER_REASON = "cronsentinel.reason";
    public static final String HEADER_DETAIL = "cronsentinel.detail";
    public static final String HEADER_ORIGIN = "cronsentinel.origin";
    public static final String HEADER_POSITION = "cronsentinel.position";
    public static final String HEADER_LENGTH = "cronsentinel.payload-length";
    public static final String HEADER_TRUNCATED = "cronsentinel.truncated";
    public static final String HEADER_INPUT_TIME = "cronsentinel.input-time";
    static final int MAX_DETAIL_BYTES = 2048;
    private static final byte[] EMPTY = new byte[0];

    private final String topic;
    private final int maxBytes;
    private final RecordTimestamp recordTimestamp;

    public DeadLetterRecordSerializer(String topic, int maxBytes, RecordTimestamp recordTimestamp) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        this.topic = topic;
        this.maxBytes = maxBytes;
        this.recordTimestamp = recordTimestamp;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        byte[] payload = letter.payload() == null ? EMPTY : letter.payload();
        byte[] value = payload.length > maxBytes ? Arrays.copyOf(payload, maxBytes) : payload;
        long originalLength = Math.max(letter.payloadLength(), payload.length);
        byte[] key = letter.origin() == null ? null : letter.origin().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, recordTimestamp.kafkaTimestamp(timestamp), key, value);
        Headers h = record.headers();
        if (timestamp != null) {
            h.add(HEADER_INPUT_TIME, Long.toString(timestamp).getBytes(StandardCharsets.UTF_8));
        }
        addIfSet(h, HEADER_REASON, letter.reason());
        addIfSet(h, HEADER_DETAIL, utf8Prefix(letter.detail(), MAX_DETAIL_BYTES));
        addIfSet(h, HEADER_ORIGIN, letter.origin());
        h.add(HEADER_POSITION, Long.toString(letter.position()).getBytes(StandardCharsets.UTF_8));
        h.add(HEADER_LENGTH, Long.toString(originalLength).getBytes(StandardCharsets.UTF_8));
        h.add(HEADER_TRUNCATED, Boolean.toString(value.length < originalLength).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static void addIfSet(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** At most {@code max} bytes of the string's UTF-8 form, never splitting a character. */
    static String utf8Prefix(String s, int max) {
        if (s == null) {
            return null;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return s;
        }
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // b[end] is a continuation byte: back up to the start of its character
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
