package dev.cronsentinel.loadgen;

import dev.cronsentinel.config.ConfigSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes generated audit traffic ({@link AuditTrafficGenerator}) as JSON lines to a file or stdout, or as one
 * Kafka record per event, optionally paced to a rate. Counts go to stderr at the end.
 */
public final class LoadGeneratorMain {
    static final String USAGE = """
            usage: java -cp cronsentinel.jar dev.cronsentinel.loadgen.LoadGeneratorMain [options]
              --events N                 events to write (default 1000000)
              --seed S                   same seed and options, same bytes (default 42)
              --out FILE|-               JSON lines to a file, or - for stdout (default -)
              --kafka-bootstrap H:P      write to Kafka instead, one record per event (PLAINTEXT only: no TLS, no SASL)
              --topic T                  the Kafka topic (required with --kafka-bootstrap)
              --rate N                   at most N events per second, paced on the monotonic clock (default: unpaced)
              --relevant-share X         share of requests that are workload creates/spawns (default 0.04)
              --malicious-share X        share of relevant requests that start a malicious chain (default 0.05)
              --relevant-only            only the ResponseComplete events of relevant requests
              --level L                  audit level of workload creates: RequestResponse (default) or Request
            """;
    private static final Set<String> OPTIONS = Set.of("events", "seed", "out", "kafka-bootstrap", "topic", "rate", "relevant-share",
            "malicious-share", "relevant-only", "level", "help");

    private LoadGeneratorMain() {}

    /** Where events go. */
    private interface EventSink extends AutoCloseable {
        void write(byte[] event) throws IOException;

        @Override
        void close() throws IOException;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a;
        try {
            a = ConfigSource.parseArgs(args);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (a.containsKey("help") || !OPTIONS.containsAll(a.keySet()) || a.containsKey("kafka-bootstrap") != a.containsKey("topic")) {
            System.err.print(USAGE);
            System.exit(a.containsKey("help") ? 0 : 2);
        }
        long events = Long.parseLong(a.getOrDefault("events", "1000000"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        AuditTrafficGenerator.Mix mix = Boolean.parseBoolean(a.getOrDefault("relevant-only", "false"))
                ? AuditTrafficGenerator.Mix.relevantOnly() : AuditTrafficGenerator.Mix.realistic();
        if (a.containsKey("relevant-share")) {
            mix = mix.withRelevantShare(Double.parseDouble(a.get("relevant-share")));
        }
        if (a.containsKey("malicious-share")) {
            mix = mix.withMaliciousShare(Double.parseDouble(a.get("malicious-share")));
        }
        if (a.containsKey("level")) {
            mix = mix.withWorkloadLevel(a.get("level"));
        }
        AuditTrafficGenerator gen = new AuditTrafficGenerator(seed, mix);
        long started = System.nanoTime();
        try (EventSink sink = a.containsKey("kafka-bootstrap") ? kafka(a.get("kafka-bootstrap"), a.get("topic")) : file(a.getOrDefault("out", "-"))) {
            // Event i is due at started + i / rate: pacing against absolute deadlines does not drift, and parking only
            // when more than a millisecond ahead keeps the number of parks small at any rate.
            double nanosPerEvent = rate > 0 ? 1e9 / rate : 0;
            for (long i = 0; i < events; i++) {
                if (rate > 0) {
                    long ahead = started + (long) (i * nanosPerEvent) - System.nanoTime();
                    if (ahead > 1_000_000) {
                        LockSupport.parkNanos(ahead);
                    }
                }
                sink.write(gen.next());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        AuditTrafficGenerator.Counts c = gen.counts();
        System.err.println(summary(c, seconds));
    }

    /** The counts as printed at the end of a run; {@code seconds} NaN leaves the timing out. */
    static String summary(AuditTrafficGenerator.Counts c, double seconds) {
        long[] kb = c.createBodyKb;
        String timing = Double.isNaN(seconds) ? "" : String.format(" in %.1f s (%.0f events/s)", seconds, c.events / Math.max(seconds, 1e-9));
        return String.format("%d events, %d bytes (%.0f B/event)%s%n"
                        + "%d requests, %d relevant (%.2f%%), %d malicious chains started (%.2f%% of relevant)%n"
                        + "roots: %d cronjobs, %d jobs, %d pods; spawns: %d jobs, %d pods%n"
                        + "complete chains: %d cronjob->job->pod, %d job->pod, %d of them malicious%n"
                        + "create bodies: %d, avg %.0f B, min %d, max %d; by KB [0,1) %d [1,2) %d [2,3) %d [3,4) %d [4,5) %d [5,) %d",
                c.events, c.bytes, (double) c.bytes / Math.max(1, c.events), timing,
                c.requests, c.relevantRequests, 100.0 * c.relevantRequests / Math.max(1, c.requests),
                c.maliciousRequests, 100.0 * c.maliciousRequests / Math.max(1, c.relevantRequests),
                c.cronJobRoots, c.jobRoots, c.podRoots, c.spawnedJobs, c.spawnedPods,
                c.completeCronJobChains, c.completeJobChains, c.maliciousCompleteChains,
                c.createBodies, (double) c.createBodyBytes / Math.max(1, c.createBodies), c.createBodies == 0 ? 0 : c.createBodyMin,
                c.createBodyMax, kb[0], kb[1], kb[2], kb[3], kb[4], kb[5]);
    }

    private static EventSink file(String out) throws IOException {
        OutputStream os = new BufferedOutputStream(out.equals("-") ? System.out : Files.newOutputStream(Path.of(out)), 1 << 16);
        return new EventSink() {
            @Override
            public void write(byte[] event) throws IOException {
                os.write(event);
                os.write('\n');
            }

            @Override
            public void close() throws IOException {
                os.close();
            }
        };
    }

    private static EventSink kafka(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 << 10));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cronsentinel-loadgen");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        AtomicReference<Exception> failure = new AtomicReference<>();
        return new EventSink() {
            @Override
            public void write(byte[] event) throws IOException {
                Exception f = failure.get();
                if (f != null) {
                    throw new IOException("Kafka send failed: " + f.getMessage(), f);
                }
                producer.send(new ProducerRecord<>(topic, event), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }

            @Override
            public void close() throws IOException {
                producer.close();
                Exception f = failure.get();
                if (f != null) {
                    throw new IOException("Kafka send failed: " + f.getMessage(), f);
                }
            }
        };
    }
}
