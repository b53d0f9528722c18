package dev.cronsentinel.model;

/**
 * Input that could not be decoded. Nothing is silently dropped: the raw bytes (or a bounded prefix of them)
 * travel with the reason, so an operator can replay or inspect the record.
 *
 * @param reason a short machine-readable category, e.g. {@code malformed-json}, {@code oversized}
 * @param detail a human-readable explanation
 * @param payload the raw bytes, or their first {@code n} bytes when {@code payloadLength} is larger
 * @param payloadLength the length of the whole original record
 */
public record DeadLetter(
        String origin, long position, String reason, String detail, byte[] payload, int payloadLength) {}
