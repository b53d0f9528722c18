package dev.cronsentinel.sink;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The local-run sink: one JSON document per line, to stdout, stderr or a file. Flushed at every checkpoint
 * and at the end of input. Meant for laptops and hunting through archived logs; production uses Kafka or
 * Elasticsearch. Run it at parallelism 1 when writing a file (the topology does), or each subtask appends
 * its own {@code .<subtask>} file.
 */
public final class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Renders one element; serializable so the sink can be shipped to task managers. */
    public interface Renderer<T> extends Function<T, String>, Serializable {}

    private final String target;
    private final Renderer<T> renderer;

    private JsonLinesSink(String target, Renderer<T> renderer) {
        this.target = target;
        this.renderer = renderer;
    }

    /** {@code target}: {@code stdout}, {@code stderr} or a file path. */
    public static JsonLinesSink<Alert> alerts(String target) {
        return new JsonLinesSink<>(target, AlertJson::toJson);
    }

    public static JsonLinesSink<DeadLetter> deadLetters(String target) {
        return new JsonLinesSink<>(target, DeadLetterJson::toJson);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        if ("stdout".equals(target) || "stderr".equals(target)) {
            return new StreamWriter<>("stdout".equals(target) ? System.out : System.err, renderer);
        }
        int parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
        Path path = Path.of(parallelism == 1 ? target : target + "." + context.getTaskInfo().getIndexOfThisSubtask());
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new FileWriter<>(w, renderer);
    }

    /** Shared console: one {@code println} per element, which PrintStream makes atomic, so lines never interleave. */
    private static final class StreamWriter<T> implements SinkWriter<T> {
        private final PrintStream out;
        private final Renderer<T> renderer;

        StreamWriter(PrintStream out, Renderer<T> renderer) {
            this.out = out;
            this.renderer = renderer;
        }

        @Override
        public void write(T element, Context context) {
            out.println(renderer.apply(element));
        }

        @Override
        public void flush(boolean endOfInput) {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    /** A file of this subtask's own: buffered, flushed at checkpoints and at the end of input. */
    private static final class FileWriter<T> implements SinkWriter<T> {
        private final Writer out;
        private final Renderer<T> renderer;

        FileWriter(Writer out, Renderer<T> renderer) {
            this.out = out;
            this.renderer = renderer;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(renderer.apply(element));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
