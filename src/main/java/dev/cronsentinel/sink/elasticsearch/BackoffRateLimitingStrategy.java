package dev.cronsentinel.sink.elasticsearch;

import org.apache.flink.connector.base.sink.writer.strategy.RateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;

/**
 * Adds a pause to another rate-limiting strategy. The async sink base re-sends failed entries as soon as they are
 * handed back, which against a node that is down means a tight loop of refused connections. Instead, the writer
 * hands failed entries back at once (so they sit in the buffer, and in checkpoints, rather than in an in-flight
 * request that would stall every checkpoint) and {@link #pause() pauses} sending here. While paused, no new
 * request starts; once the buffer is full, {@code write} blocks, which is how an outage back-pressures the job.
 *
 * <p>Every method runs on the task's mailbox thread, so no synchronisation is needed. A pause ends only through
 * {@link #resume(long)} with the generation it returned, called from a processing-time timer: the sink's flush
 * loop waits on the mailbox, and that timer is the mail that wakes it.
 */
final class BackoffRateLimitingStrategy implements RateLimitingStrategy {
    private final RateLimitingStrategy delegate;
    private long generation;
    private boolean paused;

    BackoffRateLimitingStrategy(RateLimitingStrategy delegate) {
        this.delegate = delegate;
    }

    /** Stops new requests; returns the generation that {@link #resume} must present. */
    long pause() {
        paused = true;
        return ++generation;
    }

    /** Ends the pause, unless a later failure started a newer one. */
    void resume(long pauseGeneration) {
        if (pauseGeneration == generation) {
            paused = false;
        }
    }

    @Override
    public void registerInFlightRequest(RequestInfo requestInfo) {
        delegate.registerInFlightRequest(requestInfo);
    }

    @Override
    public void registerCompletedRequest(ResultInfo resultInfo) {
        delegate.registerCompletedRequest(resultInfo);
    }

    @Override
    public boolean shouldBlock(RequestInfo requestInfo) {
        return paused || delegate.shouldBlock(requestInfo);
    }

    @Override
    public int getMaxBatchSize() {
        return delegate.getMaxBatchSize();
    }
}
