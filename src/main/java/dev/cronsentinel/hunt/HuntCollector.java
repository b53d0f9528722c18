package dev.cronsentinel.hunt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The hunt's sink: it keeps what the topology emits in this JVM, where {@link HuntMain} reads it while the job
 * runs (alerts so far) and after it ended (summary, report). It only works on an embedded cluster in the same
 * JVM, which is how a hunt runs (and how MiniCluster tests run: their CollectingSink is this one); the instance
 * carries only a run id into the job graph.
 */
public class HuntCollector<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> RUNS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public HuntCollector() {
        RUNS.put(id, new CopyOnWriteArrayList<>());
    }

    /** Everything received so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public final List<T> received() {
        return new ArrayList<>((List<T>) (List<?>) RUNS.getOrDefault(id, List.of()));
    }

    public int size() {
        return RUNS.getOrDefault(id, List.of()).size();
    }

    /** Frees what was collected, once it was read. */
    public void close() {
        RUNS.remove(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> target = RUNS.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                target.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
