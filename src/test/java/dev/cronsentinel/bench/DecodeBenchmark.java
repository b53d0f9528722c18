package dev.cronsentinel.bench;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.ingest.AuditDecoder;
import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.loadgen.AuditTrafficGenerator;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.RuleSetLoader;
import dev.cronsentinel.score.Scorer;
import dev.cronsentinel.testing.ManagedEnvelopes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event cost of the decode path, next to the physical ceiling measured on the same bytes in the same run:
 * a raw scan that only counts newlines. Every figure is events per second on one thread (= one core).
 *
 * <ul>
 *   <li>{@code byteScanCeiling}: count the newlines of the batch, nothing else;</li>
 *   <li>{@code decodeFilter}: the decoder over the batch (pre-filter, parse of the relevant few);</li>
 *   <li>{@code decodeScore}: decode, classify and score every relevant event.</li>
 * </ul>
 * {@code mix=realistic} is the default traffic of {@link AuditTrafficGenerator} (96% irrelevant);
 * {@code mix=irrelevant} has no relevant event at all; {@code mix=relevant} has only workload creates.
 * {@code mix=gke}, {@code aks}, {@code eks} are the realistic traffic as each managed cluster delivers it
 * ({@link ManagedEnvelopes}): one Cloud Audit Logs entry per request (the ResponseComplete stage only), Event
 * Hubs batches of 5 records, CloudWatch deliveries of 5 log events as base64 gzip. Their figures still count
 * the generated plain events per second, so they compare with {@code realistic} directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DecodeBenchmark {
    static final int BATCH = 8192;

    @Param({"realistic", "irrelevant", "relevant", "gke", "aks", "eks"})
    public String mix;

    private byte[][] events;
    private byte[] concatenated;
    private AuditDecoder decoder;
    private Scorer scorer;
    private EventClassifier classifier;
    private Sink sink;

    /** Counts outputs so nothing is optimised away. */
    static final class Sink implements AuditDecoder.Output {
        final List<WorkloadEvent> events = new ArrayList<>();
        long filtered;
        long dead;
        long undecodable;

        @Override
        public void event(WorkloadEvent event) {
            events.add(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            dead++;
        }

        @Override
        public void undecodable(dev.cronsentinel.model.UndecodableEvent finding) {
            undecodable++;
        }

        @Override
        public void filtered(String reason) {
            filtered++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        AuditTrafficGenerator.Mix m = switch (mix) {
            case "relevant" -> AuditTrafficGenerator.Mix.relevantOnly();
            case "irrelevant" -> new AuditTrafficGenerator.Mix(0.0, 0.0, AuditTrafficGenerator.Mix.realistic().startMillis(), 200);
            default -> AuditTrafficGenerator.Mix.realistic();
        };
        AuditTrafficGenerator gen = new AuditTrafficGenerator(42, m);
        List<byte[]> generated = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            generated.add(gen.next());
        }
        ManagedEnvelopes.Form form = switch (mix) {
            case "gke" -> ManagedEnvelopes.Form.GKE;
            case "aks" -> ManagedEnvelopes.Form.AKS;
            case "eks" -> ManagedEnvelopes.Form.EKS;
            default -> ManagedEnvelopes.Form.PLAIN;
        };
        events = ManagedEnvelopes.rewrite(form, generated).toArray(new byte[0][]);
        int total = 0;
        for (byte[] e : events) {
            total += e.length + 1;
        }
        concatenated = new byte[total];
        int pos = 0;
        for (byte[] e : events) {
            System.arraycopy(e, 0, concatenated, pos, e.length);
            pos += e.length;
            concatenated[pos++] = '\n';
        }
        decoder = new AuditDecoder(DecoderConfig.defaults());
        scorer = new Scorer(RuleSetLoader.load(Path.of(System.getProperty("cronsentinel.rules", "conf/rules/default.yaml"))));
        classifier = new EventClassifier(DecoderConfig.defaults());
        sink = new Sink();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int byteScanCeiling() {
        int lines = 0;
        final byte[] b = concatenated;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeFilter(Blackhole bh) {
        sink.events.clear();
        for (int i = 0; i < events.length; i++) {
            decoder.decode(new RawAuditRecord("bench", i, events[i]), sink);
        }
        bh.consume(sink.events.size());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeScore(Blackhole bh) {
        sink.events.clear();
        for (int i = 0; i < events.length; i++) {
            decoder.decode(new RawAuditRecord("bench", i, events[i]), sink);
        }
        for (WorkloadEvent e : sink.events) {
            bh.consume(scorer.score(e, classifier.classify(e)));
        }
    }
}
