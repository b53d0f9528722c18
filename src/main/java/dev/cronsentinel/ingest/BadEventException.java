package dev.cronsentinel.ingest;

/**
 * An event that cannot be decoded. Carries a short stable {@code reason} category (the dead-letter reason
 * and metric dimension) and a human-readable detail. Thrown only inside the decoder, which turns it into a
 * dead letter: it never escapes to Flink.
 */
public final class BadEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public BadEventException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    public static BadEventException wrongType(String path, String expected) {
        return new BadEventException("wrong-type", path + " must be " + expected);
    }
}
