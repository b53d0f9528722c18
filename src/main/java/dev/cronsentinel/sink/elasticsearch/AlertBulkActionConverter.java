package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.model.Alert;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Renders an {@link Alert} into the {@link BulkAction} the sink buffers: {@code _id} = alert id, external version
 * = {@link EcsAlertDocument#version}, document = {@link EcsAlertDocument}. It never throws on a bad alert, since
 * the async sink base would fail the job: an alert that cannot be sent (no usable id, too large even when
 * shortened) becomes a rejected action, which the writer dead-letters.
 */
final class AlertBulkActionConverter implements ElementConverter<Alert, BulkAction> {
    private static final long serialVersionUID = 1L;
    static final String REASON_OVERSIZED = "elasticsearch-oversized";
    static final String REASON_INVALID_ID = "elasticsearch-invalid-id";

    private final long maxDocumentBytes;

    AlertBulkActionConverter(long maxDocumentBytes) {
        this.maxDocumentBytes = maxDocumentBytes;
    }

    @Override
    public BulkAction apply(Alert alert, SinkWriter.Context context) {
        String id = alert.alertId();
        if (!BulkAction.validId(id)) {
            String shown = id == null ? "" : id.substring(0, Math.min(id.length(), 64));
            return BulkAction.rejected(shown, EcsAlertDocument.toJson(alert), REASON_INVALID_ID, maxDocumentBytes);
        }
        byte[] doc = EcsAlertDocument.toJsonWithin(alert, maxDocumentBytes);
        if (doc == null) {
            return BulkAction.rejected(id, EcsAlertDocument.toJson(alert), REASON_OVERSIZED, maxDocumentBytes);
        }
        return BulkAction.index(id, EcsAlertDocument.version(alert), doc);
    }
}
