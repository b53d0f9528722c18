package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes alerts (or dead letters) to Elasticsearch. No Flink Elasticsearch connector exists for Flink 2.x, so this
 * builds on Flink's {@link AsyncSinkBase}, which provides the batching, the in-flight limit, back-pressure and
 * the buffered-entries state kept in checkpoints; {@link ElasticsearchSinkWriter} adds the {@code _bulk} call,
 * the per-item error handling and the retry backoff.
 *
 * <p>Idempotent: every document's {@code _id} is the alert id, so a retry or a replay overwrites instead of
 * duplicating, and it is written with {@code version_type=external_gte} and {@link EcsAlertDocument#version}, so an
 * escalation updates its own document as more spawns arrive while an older emission arriving late (a retry,
 * a replay from an earlier checkpoint) cannot overwrite a newer one. Together with the buffered entries in
 * checkpoints this gives effectively-once results in the index over at-least-once delivery.
 *
 * <p>Give the operator a stable {@code .uid()}: the buffered actions live in its state.
 */
public final class ElasticsearchSink<T> extends AsyncSinkBase<T, BulkAction> {
    private static final long serialVersionUID = 1L;

    private final ElasticsearchSinkConfig config;
    private final String index;
    private final String templateResource;
    private final DeadLetterHandler deadLetters;

    private ElasticsearchSink(ElementConverter<T, BulkAction> converter, ElasticsearchSinkConfig config, String index,
            String templateResource, DeadLetterHandler deadLetters) {
        super(converter,
                config.bulkMaxActions(),
                config.maxInFlightRequests(),
                config.maxBufferedActions(),
                config.bulkMaxBytes(),
                config.flushInterval().toMillis(),
                config.bulkMaxBytes());
        this.config = config;
        this.index = index;
        this.templateResource = templateResource;
        this.deadLetters = deadLetters;
    }

    /**
     * The alert sink for {@code config.index()}; documents Elasticsearch refuses for good go to
     * {@code deadLetters}.
     */
    public static ElasticsearchSink<Alert> forAlerts(ElasticsearchSinkConfig config, DeadLetterHandler deadLetters) {
        return new ElasticsearchSink<>(new AlertBulkActionConverter(config.maxDocumentBytes()), config, config.index(),
                IndexTemplate.ALERTS_RESOURCE, deadLetters);
    }

    /** The alert sink whose refused documents go to {@code config.deadLetterIndex()} in the same cluster. */
    public static ElasticsearchSink<Alert> forAlerts(ElasticsearchSinkConfig config) {
        return forAlerts(config, new ElasticsearchDeadLetterIndex(config));
    }

    /**
     * A sink for the job's other dead letters (undecodable input) into {@code config.deadLetterIndex()}, next to
     * refused alerts. A dead letter this index refuses has nowhere further to go: it is logged and counted only.
     */
    public static ElasticsearchSink<DeadLetter> forDeadLetters(ElasticsearchSinkConfig config) {
        return new ElasticsearchSink<>(new DeadLetterBulkActionConverter(config.maxDocumentBytes()), config,
                config.deadLetterIndex(), IndexTemplate.DEAD_LETTERS_RESOURCE, DeadLetterHandler.logOnly());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<BulkAction>> createWriter(WriterInitContext context)
            throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<BulkAction>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<BulkAction>> recoveredState) throws IOException {
        IndexTemplate template = config.installTemplate() ? IndexTemplate.forIndex(templateResource, index) : null;
        return ElasticsearchSinkWriter.create(getElementConverter(), context, recoveredState, config, index, template,
                deadLetters);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<BulkAction>> getWriterStateSerializer() {
        return new BulkActionStateSerializer();
    }

    public ElasticsearchSinkConfig config() {
        return config;
    }
}
