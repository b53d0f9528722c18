package dev.cronsentinel.sink.elasticsearch;

import dev.cronsentinel.model.DeadLetter;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Where the Elasticsearch sink sends the alerts Elasticsearch refuses for good (a mapping conflict, a value
 * the field type rejects) or that cannot be made small enough to send. A sink has no side output, so the topology
 * hands one of these to the sink instead; each writer opens its own copy.
 *
 * <p>Before calling the handler the writer logs one line per dead letter with the document id, the HTTP status and
 * Elasticsearch's error type and reason (never the document, never a credential); once the handler has stored
 * them it counts them in the writer's {@code esDeadLetters} metric.
 *
 * <p>Contract: {@link #handle} is called from an HTTP client thread, possibly concurrently, and must be
 * thread-safe. It completes normally once the dead letters are stored. If it completes exceptionally, the writer
 * keeps the refused actions and tries the whole thing again after a pause, so a dead letter is never lost because
 * its destination was briefly unavailable (Elasticsearch will refuse the alert again and the handler is called
 * again).
 */
public interface DeadLetterHandler extends Serializable {

    /** Called once per writer before the first {@link #handle}. */
    default void open(WriterInitContext context) throws Exception {}

    /** Stores the dead letters; see the class comment for threading and failure semantics. */
    CompletableFuture<Void> handle(List<DeadLetter> deadLetters);

    default void close() throws Exception {}

    /**
     * Keeps nothing beyond the writer's log line and metric. Only for the dead-letter sink itself, where a
     * refused dead letter has nowhere further to go.
     */
    static DeadLetterHandler logOnly() {
        return deadLetters -> CompletableFuture.completedFuture(null);
    }
}
