package dev.cronsentinel.bench;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Sink V2 that discards what it receives and only counts it, in a JVM-wide counter (the MiniCluster runs in
 * the benchmark's JVM). Each instance has its own counter, so each run's figures are its own.
 */
final class BenchCountingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    BenchCountingSink() {
        COUNTS.put(id, new LongAdder());
    }

    long count() {
        return COUNTS.get(id).sum();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        LongAdder counter = COUNTS.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                counter.increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
