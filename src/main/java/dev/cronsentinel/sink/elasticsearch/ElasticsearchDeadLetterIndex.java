package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.Secrets;
import dev.cronsentinel.model.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A {@link DeadLetterHandler} that writes refused alerts to the dead-letter index of the same cluster
 * ({@code output.elasticsearch.dead-letter-index}), as ECS {@code pipeline_error} documents
 * ({@link DeadLetterDocument}). That index maps only a few fixed fields and leaves the payload unindexed, so it
 * cannot hit the mapping conflict that refused the alert. Dead letters from the decoder can go to the same index
 * through {@link ElasticsearchSink#forDeadLetters}, so an analyst finds every dead letter in one place.
 *
 * <p>Each call is one asynchronous {@code _bulk} request; any failure, whole or per item, fails the
 * returned future, and the writer then retries the alert after a pause (see {@link DeadLetterHandler}).
 */
public final class ElasticsearchDeadLetterIndex implements DeadLetterHandler {
    private static final long serialVersionUID = 1L;

    private final ElasticsearchSinkConfig config;
    private transient ElasticsearchHttpClient client;
    private transient IndexTemplate template;
    private transient volatile CompletableFuture<Void> templateReady;

    public ElasticsearchDeadLetterIndex(ElasticsearchSinkConfig config) {
        this.config = config;
    }

    @Override
    public void open(WriterInitContext context) {
        client = ElasticsearchHttpClient.open(config, Secrets.fromSystem(), "es-dead-letters");
        template = config.installTemplate()
                ? IndexTemplate.forIndex(IndexTemplate.DEAD_LETTERS_RESOURCE, config.deadLetterIndex())
                : null;
    }

    @Override
    public CompletableFuture<Void> handle(List<DeadLetter> deadLetters) {
        long now = System.currentTimeMillis();
        List<BulkAction> actions = new ArrayList<>(deadLetters.size());
        for (DeadLetter d : deadLetters) {
            actions.add(BulkAction.index(DeadLetterDocument.id(d), BulkAction.NO_VERSION, DeadLetterDocument.toJson(d, now)));
        }
        byte[] body = BulkProtocol.body(config.deadLetterIndex(), actions);
        return ensureTemplate()
                .thenCompose(v -> client.send("POST", BulkProtocol.BULK_PATH, body, "application/x-ndjson"))
                .thenAccept(resp -> {
                    if (resp.status() != 200) {
                        throw ElasticsearchSinkException.forStatus("dead-letter _bulk", resp.status(), resp.body());
                    }
                    List<BulkProtocol.ItemResult> items;
                    try {
                        items = BulkProtocol.parseItems(resp.body(), actions.size());
                    } catch (java.io.IOException e) {
                        throw new ElasticsearchSinkException("dead-letter _bulk: " + e.getMessage(), true, e);
                    }
                    for (BulkProtocol.ItemResult r : items) {
                        if (r.status() == 401 || r.status() == 403) {
                            // The alert index refused the document and the dead-letter index refuses it too, for
                            // want of a privilege: no retry can store it anywhere, so stop and say what to grant.
                            throw new ElasticsearchSinkException("the dead-letter index " + config.deadLetterIndex()
                                    + " refused a document with HTTP " + r.status() + " " + r.errorType()
                                    + " after the alert index " + config.index() + " refused it: the credentials of "
                                    + ElasticsearchSinkConfig.PREFIX + "auth.* lack write privileges (create_doc or index)"
                                    + " on " + ElasticsearchSinkConfig.PREFIX + "index and "
                                    + ElasticsearchSinkConfig.PREFIX + "dead-letter-index", false);
                        }
                        if (BulkProtocol.classify(r) != BulkProtocol.Disposition.DONE) {
                            throw new ElasticsearchSinkException("dead-letter index " + config.deadLetterIndex()
                                    + " refused a document: HTTP " + r.status() + " " + r.errorType() + ": " + r.errorReason(), true);
                        }
                    }
                });
    }

    private CompletableFuture<Void> ensureTemplate() {
        if (template == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = templateReady;
        if (f == null || f.isCompletedExceptionally()) {
            synchronized (this) {
                f = templateReady;
                if (f == null || f.isCompletedExceptionally()) {
                    f = template.ensure(client);
                    templateReady = f;
                }
            }
        }
        return f;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
