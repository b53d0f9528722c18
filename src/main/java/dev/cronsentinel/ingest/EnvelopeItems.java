package dev.cronsentinel.ingest;

import dev.cronsentinel.model.EventSource;

/**
 * Where a managed cluster's envelope hands what it holds: each audit event it wraps (decoded by the caller as
 * if it were a line of its own, with every limit), the entries that are not ours, and the entries it cannot
 * read. Every entry of the envelope ends in exactly one call.
 */
interface EnvelopeItems {
    /** An audit event: {@code b[off, off + len)}, from {@code source}. */
    void event(byte[] b, int off, int len, EventSource source);

    /** An entry that was read and is not an audit event of ours; {@code reason} is a stable token. */
    void filtered(String reason);

    /** An entry, or the rest of the envelope, that cannot be read: {@code b[off, off + len)}. */
    void deadLetter(byte[] b, int off, int len, String reason, String detail);
}
