package dev.cronsentinel.model;

/**
 * One undecoded record as a source delivered it: a line of an audit-log file or the value of a Kafka
 * record. The decoder turns it into zero or more {@link WorkloadEvent}s (an {@code EventList} holds many)
 * or one {@link DeadLetter}.
 *
 * @param origin where it came from: a file path, or {@code topic-partition} for Kafka
 * @param position the line number in the file (1-based) or the Kafka offset
 * @param payload the raw bytes, exactly as read; never decoded to a String before the cheap pre-check. A
 *     source that met a record longer than it will buffer keeps only a prefix here.
 * @param length the length of the whole original record; larger than {@code payload.length} when the source
 *     kept only a prefix, so the decoder can dead-letter it as oversized with its true size
 */
public record RawAuditRecord(String origin, long position, byte[] payload, long length) {

    /** A record whose payload is complete. */
    public RawAuditRecord(String origin, long position, byte[] payload) {
        this(origin, position, payload, payload == null ? 0 : payload.length);
    }
}
