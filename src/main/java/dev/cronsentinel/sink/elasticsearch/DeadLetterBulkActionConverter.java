package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.model.DeadLetter;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Renders a {@link DeadLetter} into a {@link BulkAction} for the dead-letter index: {@code _id} =
 * {@link DeadLetterDocument#id}, plain overwrite (no version: a dead letter never changes), {@code @timestamp} =
 * the time it was handed to the sink. A payload too large for one document is cut (halving until it fits; the
 * original length stays in {@code payload_length}) rather than refused, because a dead letter has nowhere further
 * to go.
 */
final class DeadLetterBulkActionConverter implements ElementConverter<DeadLetter, BulkAction> {
    private static final long serialVersionUID = 1L;

    private final long maxDocumentBytes;

    DeadLetterBulkActionConverter(long maxDocumentBytes) {
        this.maxDocumentBytes = maxDocumentBytes;
    }

    @Override
    public BulkAction apply(DeadLetter d, SinkWriter.Context context) {
        long now = System.currentTimeMillis();
        String id = DeadLetterDocument.id(d);
        byte[] doc = DeadLetterDocument.toJson(d, now);
        DeadLetter shortened = d;
        while (doc.length > maxDocumentBytes && shortened.payload() != null && shortened.payload().length > 0) {
            byte[] half = new byte[shortened.payload().length / 2];
            System.arraycopy(shortened.payload(), 0, half, 0, half.length);
            shortened = new DeadLetter(d.origin(), d.position(), d.reason(), d.detail(), half, d.payloadLength());
            doc = DeadLetterDocument.toJson(shortened, now);
        }
        if (doc.length > maxDocumentBytes) {
            // Only a pathological detail string can get here; keep the record of the failure without it.
            shortened = new DeadLetter(d.origin(), d.position(), d.reason(),
                    d.detail() == null ? null : d.detail().substring(0, Math.min(d.detail().length(), 1024)),
                    new byte[0], d.payloadLength());
            doc = DeadLetterDocument.toJson(shortened, now);
        }
        return BulkAction.index(id, BulkAction.NO_VERSION, doc);
    }
}
