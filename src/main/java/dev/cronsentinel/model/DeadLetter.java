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
        String origin, long position, String reason, String detail, byte[] payload, int payloadLength) {

    /**
     * The dead letter of an event decoded already, whose raw bytes are gone: {@code eventOrigin} is the event's
     * {@code origin} ({@code <source>:<position>}, as the decoder writes it) and {@code payload} a summary.
     */
    public static DeadLetter ofDecoded(String eventOrigin, String reason, String detail, byte[] payload) {
        int colon = eventOrigin == null ? -1 : eventOrigin.lastIndexOf(':');
        long position = 0;
        if (colon >= 0) {
            try {
                position = Long.parseLong(eventOrigin.substring(colon + 1));
            } catch (NumberFormatException e) {
                colon = -1;
            }
        }
        return new DeadLetter(colon < 0 ? eventOrigin : eventOrigin.substring(0, colon), position, reason, detail, payload,
                payload.length);
    }
}
