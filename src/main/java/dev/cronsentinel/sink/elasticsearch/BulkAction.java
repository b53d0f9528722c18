package dev.cronsentinel.sink.elasticsearch;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * One buffered {@code _bulk} {@code index} action: the request entry of the async sink. It holds the rendered
 * document rather than the alert, so what sits in a checkpoint is exactly what will be sent, and restoring it
 * needs no model classes.
 *
 * @param id the document {@code _id}; for an alert its alert id, so retries and replays overwrite
 * @param version the external version ({@code version_type=external_gte}), or {@link #NO_VERSION} for a plain
 *     overwrite
 * @param document the JSON document; for a {@link #rejection rejected} action only a bounded prefix of it
 * @param rejection null for an action to send; otherwise the dead-letter reason for an action that must not be
 *     sent (its document could not be made to fit)
 * @param fullLength the length of the whole document, which {@code document} may be a prefix of
 */
public record BulkAction(String id, long version, byte[] document, String rejection, int fullLength)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long NO_VERSION = -1L;
    /** Bytes of an unsendable document kept for the dead letter. */
    public static final int REJECTED_PREFIX_BYTES = 64 * 1024;
    /** Elasticsearch refuses longer {@code _id}s with a whole-request validation error. */
    public static final int MAX_ID_BYTES = 512;

    public static BulkAction index(String id, long version, byte[] document) {
        return new BulkAction(id, version, document, null, document.length);
    }

    /** An action not to send: keeps at most {@code maxPrefix} (and {@value #REJECTED_PREFIX_BYTES}) bytes of it. */
    public static BulkAction rejected(String id, byte[] document, String reason, long maxPrefix) {
        int keep = (int) Math.min(document.length, Math.min(REJECTED_PREFIX_BYTES, maxPrefix));
        byte[] prefix = new byte[keep];
        System.arraycopy(document, 0, prefix, 0, keep);
        return new BulkAction(id, NO_VERSION, prefix, reason, document.length);
    }

    /** True when an {@code _id} is non-empty and short enough for Elasticsearch. */
    public static boolean validId(String id) {
        return id != null && !id.isEmpty() && id.getBytes(StandardCharsets.UTF_8).length <= MAX_ID_BYTES;
    }

    /** Approximate bytes this action adds to a {@code _bulk} body: the document plus its action line. */
    public long sizeInBytes() {
        return document.length + (id == null ? 0 : id.length()) + 96L;
    }
}
