package dev.cronsentinel.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Text read from a provider's envelope for an {@link dev.cronsentinel.model.EventSource}: only plain strings
 * count, and each is cut to {@link #MAX_CHARS}, because the envelope's fields reach every alert and one
 * megabyte-long {@code logGroup} must not.
 */
final class EnvelopeText {
    static final int MAX_CHARS = 256;

    private EnvelopeText() {}

    /** The string value of {@code field}, bounded; null when absent or not a string. */
    static String field(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isTextual() ? bounded(n.textValue()) : null;
    }

    static String bounded(String s) {
        return s == null || s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS);
    }
}
