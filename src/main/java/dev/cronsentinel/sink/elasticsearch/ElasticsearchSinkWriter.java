package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.config.ElasticsearchSinkConfig;
import dev.cronsentinel.config.Secrets;
import dev.cronsentinel.model.DeadLetter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.AIMDScalingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends buffered {@link BulkAction}s to Elasticsearch as {@code _bulk} requests and sorts every item's result:
 * <ul>
 *   <li>written, or refused as an older version of a document the index already holds newer: done;</li>
 *   <li>refused for now (429, 5xx), or the whole request failed (connection refused, timeout, 429, 5xx): handed
 *       back to the buffer at once and sending paused with exponential backoff (see
 *       {@link BackoffRateLimitingStrategy}), so nothing is lost, checkpoints keep working, and a long outage
 *       fills the buffer and back-pressures the job until the node returns;</li>
 *   <li>refused for good (a mapping conflict or a value the field type rejects), or impossible to send: logged,
 *       counted, and given to the {@link DeadLetterHandler}. Such an item is never retried against the index, so
 *       one bad alert neither fails the job nor loops;</li>
 *   <li>a failure retrying cannot fix (credentials refused, a response that is not a bulk response): the job
 *       fails with a message naming the config key to check.</li>
 * </ul>
 * The index template is installed when the writer opens and, if that failed, again before the next request.
 *
 * <p>Metrics (writer group): {@code esDocumentsWritten}, {@code esDocumentsStale} (refused as older than the
 * stored version: expected on replays), {@code esDocumentsRetried}, {@code esDeadLetters}, and the gauge
 * {@code esConsecutiveFailures} (0 while healthy; alert on it staying above 0).
 */
final class ElasticsearchSinkWriter<T> extends AsyncSinkWriter<T, BulkAction> {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkWriter.class);
    private static final String NDJSON = "application/x-ndjson";
    static final String REASON_REFUSED = "elasticsearch-rejected";
    /** Bytes of a refused document kept in its dead letter. */
    static final int DEAD_LETTER_PAYLOAD_BYTES = BulkAction.REJECTED_PREFIX_BYTES;

    private final ElasticsearchSinkConfig config;
    private final String index;
    private final IndexTemplate template;
    private final DeadLetterHandler deadLetters;
    private final ElasticsearchHttpClient client;
    private final BackoffRateLimitingStrategy backoff;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService timeService;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final Counter written;
    private final Counter stale;
    private final Counter retried;
    private final Counter deadLettered;
    /** Read and replaced on the mailbox thread only. */
    private CompletableFuture<Void> templateReady;

    /** A document the cluster will not take, with why. */
    private record Refusal(BulkAction action, String reason, String detail) {}

    /** What one {@code _bulk} exchange came to. */
    private record BulkResult(int written, int stale, List<BulkAction> retry, String retryCause, List<Refusal> refused) {}

    static <T> ElasticsearchSinkWriter<T> create(
            ElementConverter<T, BulkAction> converter,
            WriterInitContext context,
            Collection<BufferedRequestState<BulkAction>> restored,
            ElasticsearchSinkConfig config,
            String index,
            IndexTemplate template,
            DeadLetterHandler deadLetters) throws IOException {
        int maxActions = config.bulkMaxActions();
        BackoffRateLimitingStrategy backoff = new BackoffRateLimitingStrategy(
                CongestionControlRateLimitingStrategy.builder()
                        .setMaxInFlightRequests(config.maxInFlightRequests())
                        .setInitialMaxInFlightMessages(maxActions)
                        .setScalingStrategy(AIMDScalingStrategy.builder(maxActions * config.maxInFlightRequests()).build())
                        .build());
        AsyncSinkWriterConfiguration writerConfig = AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(maxActions)
                .setMaxBatchSizeInBytes(config.bulkMaxBytes())
                .setMaxInFlightRequests(config.maxInFlightRequests())
                .setMaxBufferedRequests(config.maxBufferedActions())
                .setMaxTimeInBufferMS(config.flushInterval().toMillis())
                .setMaxRecordSizeInBytes(config.bulkMaxBytes())
                // Covers the template calls plus the bulk call; a request that outlives it is sent again.
                .setRequestTimeoutMS(3 * config.requestTimeout().toMillis() + 10_000)
                .setFailOnTimeout(false)
                .setRateLimitingStrategy(backoff)
                .build();
        return new ElasticsearchSinkWriter<>(converter, context, writerConfig, restored, config, index, template,
                deadLetters, backoff);
    }

    private ElasticsearchSinkWriter(
            ElementConverter<T, BulkAction> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration writerConfig,
            Collection<BufferedRequestState<BulkAction>> restored,
            ElasticsearchSinkConfig config,
            String index,
            IndexTemplate template,
            DeadLetterHandler deadLetters,
            BackoffRateLimitingStrategy backoff) throws IOException {
        super(converter, context, writerConfig, restored,
                new SimpleBatchCreator<>(writerConfig.getMaxBatchSizeInBytes()), new DequeRequestBuffer<>());
        this.config = config;
        this.index = index;
        this.template = template;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.mailbox = context.getMailboxExecutor();
        this.timeService = context.getProcessingTimeService();
        this.written = context.metricGroup().counter("esDocumentsWritten", new ThreadSafeSimpleCounter());
        this.stale = context.metricGroup().counter("esDocumentsStale", new ThreadSafeSimpleCounter());
        this.retried = context.metricGroup().counter("esDocumentsRetried", new ThreadSafeSimpleCounter());
        this.deadLettered = context.metricGroup().counter("esDeadLetters", new ThreadSafeSimpleCounter());
        context.metricGroup().gauge("esConsecutiveFailures", consecutiveFailures::get);
        this.client = ElasticsearchHttpClient.open(config, Secrets.fromSystem(),
                "es-sink-" + index + "-" + context.getTaskInfo().getIndexOfThisSubtask());
        try {
            deadLetters.open(context);
        } catch (Exception e) {
            client.close();
            throw new IOException("opening the dead-letter handler failed", e);
        }
        // Install the template now, at start, rather than on the first alert; a failure is retried before the next request.
        ensureTemplate();
    }

    @Override
    protected void submitRequestEntries(List<BulkAction> batch, ResultHandler<BulkAction> result) {
        List<BulkAction> toSend = new ArrayList<>(batch.size());
        List<Refusal> unsendable = new ArrayList<>();
        for (BulkAction a : batch) {
            if (a.rejection() == null) {
                toSend.add(a);
            } else {
                unsendable.add(new Refusal(a, a.rejection(), "document of " + a.fullLength()
                        + " bytes could not be sent (limit " + ElasticsearchSinkConfig.PREFIX + "bulk.max-document-bytes = "
                        + config.maxDocumentBytes() + ", _id at most " + BulkAction.MAX_ID_BYTES + " bytes)"));
            }
        }
        CompletableFuture<BulkResult> exchange = toSend.isEmpty()
                ? CompletableFuture.completedFuture(new BulkResult(0, 0, List.of(), null, List.of()))
                : ensureTemplate()
                        .thenCompose(v -> client.send("POST", BulkProtocol.BULK_PATH, BulkProtocol.body(index, toSend), NDJSON))
                        .thenApply(resp -> interpret(resp, toSend));
        exchange.whenComplete((outcome, err) -> {
            BulkResult r = outcome;
            if (err != null) {
                ElasticsearchSinkException e = asSinkException(err);
                if (!e.retryable()) {
                    LOG.error("Elasticsearch sink for index {} cannot continue: {}", index, e.getMessage());
                    result.completeExceptionally(e);
                    return;
                }
                r = new BulkResult(0, 0, toSend, e.getMessage(), List.of());
            }
            List<Refusal> refused = new ArrayList<>(unsendable);
            refused.addAll(r.refused());
            written.inc(r.written());
            stale.inc(r.stale());
            deadLetterThenFinish(refused, r, result);
        });
    }

    private void deadLetterThenFinish(List<Refusal> refused, BulkResult r, ResultHandler<BulkAction> result) {
        if (refused.isEmpty()) {
            finish(r.retry(), r.retryCause(), result);
            return;
        }
        List<DeadLetter> letters = new ArrayList<>(refused.size());
        for (Refusal f : refused) {
            LOG.warn("Elasticsearch index {} refused document {}: {}; handing it to the dead-letter handler",
                    index, f.action().id(), f.detail());
            letters.add(deadLetter(f));
        }
        CompletableFuture<Void> handled;
        try {
            handled = deadLetters.handle(letters);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        handled.whenComplete((v, err) -> {
            if (err == null) {
                deadLettered.inc(letters.size());
                finish(r.retry(), r.retryCause(), result);
                return;
            }
            ElasticsearchSinkException fatal = asSinkException(err);
            if (!fatal.retryable()) {
                // Neither the index nor the dead-letter handler can take these documents, ever: retrying forever
                // would hold them (and the checkpoints) hostage. Fail the job with the handler's reason.
                LOG.error("Elasticsearch sink for index {} cannot continue: {}", index, fatal.getMessage());
                result.completeExceptionally(fatal);
                return;
            }
            // The dead letters are not stored yet: keep the actions and go round again after a pause.
            List<BulkAction> retry = new ArrayList<>(r.retry());
            for (Refusal f : refused) {
                retry.add(f.action());
            }
            finish(retry, "dead-letter handler failed: " + rootMessage(err), result);
        });
    }

    private DeadLetter deadLetter(Refusal f) {
        byte[] doc = f.action().document();
        byte[] payload = doc;
        if (doc.length > DEAD_LETTER_PAYLOAD_BYTES) {
            payload = new byte[DEAD_LETTER_PAYLOAD_BYTES];
            System.arraycopy(doc, 0, payload, 0, payload.length);
        }
        String detail = "document " + f.action().id() + " for index " + index + ": " + f.detail();
        if (detail.length() > 2000) {
            detail = detail.substring(0, 2000);
        }
        return new DeadLetter("elasticsearch:" + index, -1L, f.reason(), detail, payload, f.action().fullLength());
    }

    private BulkResult interpret(ElasticsearchHttpClient.Response resp, List<BulkAction> sent) {
        if (resp.status() != 200) {
            throw ElasticsearchSinkException.forStatus("_bulk", resp.status(), resp.body());
        }
        List<BulkProtocol.ItemResult> items;
        try {
            items = BulkProtocol.parseItems(resp.body(), sent.size());
        } catch (IOException e) {
            // Which documents were written is unknown, and guessing could drop or loop: stop loudly.
            throw new ElasticsearchSinkException("_bulk answered HTTP 200 with a body that is not a bulk response ("
                    + e.getMessage() + "); check " + ElasticsearchSinkConfig.PREFIX + "endpoints", false, e);
        }
        int ok = 0;
        int older = 0;
        List<BulkAction> retry = new ArrayList<>();
        String retryCause = null;
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkProtocol.ItemResult item = items.get(i);
            switch (BulkProtocol.classify(item)) {
                case DONE:
                    ok++;
                    break;
                case STALE:
                    older++;
                    break;
                case RETRY:
                    retry.add(sent.get(i));
                    retryCause = "item refused with HTTP " + item.status() + " " + item.errorType();
                    break;
                default:
                    refused.add(new Refusal(sent.get(i), REASON_REFUSED,
                            "HTTP " + item.status() + " " + item.errorType() + ": " + item.errorReason()));
            }
        }
        return new BulkResult(ok, older, retry, retryCause, refused);
    }

    /** Completes the request; anything left to retry goes back to the buffer at once and sending pauses. */
    private void finish(List<BulkAction> retry, String cause, ResultHandler<BulkAction> result) {
        if (retry.isEmpty()) {
            if (consecutiveFailures.getAndSet(0) > 0) {
                LOG.info("Elasticsearch sink for index {} is writing again", index);
            }
            result.complete();
            return;
        }
        int attempt = consecutiveFailures.incrementAndGet();
        long pause = backoffMillis(attempt);
        retried.inc(retry.size());
        LOG.warn("Elasticsearch sink for index {} ({}): {} documents not written ({}); attempt {}, next try in {} ms",
                index, client.currentEndpoint(), retry.size(), cause, attempt, pause);
        try {
            mailbox.execute(() -> {
                long generation = backoff.pause();
                timeService.registerTimer(timeService.getCurrentProcessingTime() + pause, t -> backoff.resume(generation));
                result.retryForEntries(retry);
            }, "pause the Elasticsearch sink for %s ms", pause);
        } catch (RejectedExecutionException e) {
            // The task is shutting down; the entries are still in the last checkpoint's buffer or in the source.
            LOG.debug("Elasticsearch sink for index {} closed while retrying", index);
        }
    }

    /** Exponential backoff with jitter: half the step fixed, half random, so writers do not retry in lockstep. */
    long backoffMillis(int attempt) {
        long initial = config.initialBackoff().toMillis();
        long max = config.maxBackoff().toMillis();
        long step = (long) Math.min((double) max, initial * Math.pow(2, attempt - 1));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    private CompletableFuture<Void> ensureTemplate() {
        if (template == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = templateReady;
        if (f == null || f.isCompletedExceptionally()) {
            f = template.ensure(client);
            templateReady = f;
        }
        return f;
    }

    private static ElasticsearchSinkException asSinkException(Throwable err) {
        return ElasticsearchSinkException.classify(err);
    }

    private static String rootMessage(Throwable err) {
        return asSinkException(err).getMessage();
    }

    @Override
    protected long getSizeInBytes(BulkAction action) {
        return action.sizeInBytes();
    }

    @Override
    public void close() {
        try {
            deadLetters.close();
        } catch (Exception e) {
            LOG.warn("closing the dead-letter handler failed: {}", e.toString());
        }
        client.close();
        super.close();
    }
}
