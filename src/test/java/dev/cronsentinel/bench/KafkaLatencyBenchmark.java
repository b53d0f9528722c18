package dev.cronsentinel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.Topology;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.config.KafkaSinkConfig;
import dev.cronsentinel.ingest.KafkaAuditSourceFactory;
import dev.cronsentinel.loadgen.AuditTrafficGenerator;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.sink.KafkaAlertSinkFactory;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Source-to-sink latency of the whole job on a real Kafka broker at a fixed offered rate: generated realistic
 * audit traffic is produced to the input topic, the production topology with the production Kafka source and
 * sinks runs in a MiniCluster, and a consumer of the alert topic times each alert from the moment its
 * triggering request was sent.
 *
 * <p>Timing: for every relevant request (a workload create), the producer records
 * {@code System.nanoTime()} immediately before {@code KafkaProducer.send} of the request's last record (its
 * {@code ResponseComplete} event, the one the job scores), keyed by audit ID. The alert consumer takes
 * {@code System.nanoTime()} when {@code poll} returns a record; latency = that − the send time of the request
 * the alert names ({@code auditId}). Both ends are in this JVM, so the clocks are the same clock. Only the first
 * sighting of a {@code workload} or {@code attempt} alert is timed: later records under the same id are grouped
 * repeats (score/AlertGroupingFunction) whose document names the group's earliest request, not the one that
 * made them; escalations and orphans wait for their correlation windows by design and are only counted.
 *
 * <p>Load: open loop. Step k of {@code --batch} events is due k x batch / rate after the start; a step that is
 * late (the producer fell behind) is sent at once, so the offered schedule never slows down to match the
 * system (no coordinated omission), and the achieved rate is reported. Records go to input partitions by audit
 * ID ({@link BenchAuditIds}), both stages of a request to the same one.
 *
 * <p>Phases: warm-up, measurement, cool-down, at the same offered rate throughout. Samples are the alerts of
 * requests sent during the measurement window; the cool-down keeps event time (and with it the watermark)
 * moving so those alerts can come out, and must exceed the configured out-of-orderness plus, with exactly-once
 * output, the checkpoint interval. The generator's event time advances 200 µs per request (2 events), i.e. with
 * the wall clock at 20,000 events/s; at a lower achieved rate event time runs slower, and the out-of-orderness
 * takes proportionally longer in wall-clock time (give a longer {@code --cooldown-seconds}).
 *
 * <p>What the latency is made of, by design: each event waits in the per-actor context until the watermark
 * passes it ({@code event-time.max-out-of-orderness}, shipped 30 s); exactly-once output becomes visible at
 * the completion of the next checkpoint (shipped interval 30 s). So {@code --preset} offers the shipped
 * configuration, a low-latency one and exactly-once with a short checkpoint interval.
 *
 * <p>Run with {@code scripts/bench-main.sh dev.cronsentinel.bench.KafkaLatencyBenchmark --help}.
 */
public final class KafkaLatencyBenchmark {
    private static final String USAGE = """
            Usage: scripts/bench-main.sh dev.cronsentinel.bench.KafkaLatencyBenchmark [flags]
              --preset P             shipped (default): conf/cronsentinel.yaml and conf/flink/config.yaml as shipped
                                     low-latency: event-time.max-out-of-orderness=300ms,
                                                  output.kafka.delivery-guarantee=at-least-once
                                     exactly-once: event-time.max-out-of-orderness=300ms, exactly-once output,
                                                  execution.checkpointing.interval=250ms, min-pause=0ms
              --set key=value        job config override (conf/cronsentinel.yaml keys), repeatable, after the preset
              --flink key=value      Flink config override, repeatable, after the preset
              --rate N               offered input rate, events/s (default 20000)
              --batch N              events sent per pacing step (default 100)
              --warmup-seconds N     (default 30)
              --measure-seconds N    (default 60)
              --cooldown-seconds N   (default: out-of-orderness + checkpoint interval when exactly-once + 10)
              --malicious-share X    share of relevant requests that are malicious (default: the realistic mix's)
              --seed N               generator seed (default 42)
              --parallelism N        job parallelism = MiniCluster slots (default 2)
              --partitions N         input topic partitions (default 2)
            JVM options go in BENCH_JAVA_OPTS (default -Xmx8g).""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaLatencyBenchmark() {}

    /** The preset's job and Flink overrides; the user's --set and --flink follow them. */
    private record Preset(String name, Map<String, String> job, Map<String, String> flink) {
        static Preset named(String name) {
            return switch (name) {
                case "shipped" -> new Preset(name, Map.of(), Map.of());
                case "low-latency" -> new Preset(name, ordered("event-time.max-out-of-orderness", "300ms",
                        "output.kafka.delivery-guarantee", "at-least-once"), Map.of());
                case "exactly-once" -> new Preset(name, ordered("event-time.max-out-of-orderness", "300ms",
                        "output.kafka.delivery-guarantee", "exactly-once"),
                        // The shipped min-pause (10 s) would otherwise space checkpoints 10 s apart whatever the interval.
                        ordered("execution.checkpointing.interval", "250ms", "execution.checkpointing.min-pause", "0ms"));
                default -> throw new IllegalArgumentException("--preset: shipped, low-latency or exactly-once, got '" + name + "'");
            };
        }

        private static Map<String, String> ordered(String... kv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            return m;
        }
    }

    /** Send times of relevant requests and the phase boundaries, shared by producer and consumer. */
    private static final class Clock {
        final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        volatile long start;
        volatile long measureStart;
        volatile long measureEnd;
        volatile long end;
    }

    public static void main(String[] args) throws Exception {
        BenchFlags flags = BenchFlags.parse(args);
        if (flags.has("help")) {
            System.out.println(USAGE);
            return;
        }
        Preset preset = Preset.named(flags.string("preset", "shipped"));
        Map<String, String> jobOverrides = new LinkedHashMap<>(preset.job());
        jobOverrides.putAll(flags.pairs("set"));
        Map<String, String> flinkOverrides = new LinkedHashMap<>(preset.flink());
        flinkOverrides.putAll(flags.pairs("flink"));
        double rate = flags.doubleValue("rate", 20_000);
        int batch = flags.intValue("batch", 100);
        long warmupSeconds = flags.longValue("warmup-seconds", 30);
        long measureSeconds = flags.longValue("measure-seconds", 60);
        long cooldownFlag = flags.longValue("cooldown-seconds", -1);
        AuditTrafficGenerator.Mix realistic = AuditTrafficGenerator.Mix.realistic();
        double maliciousShare = flags.doubleValue("malicious-share", realistic.maliciousShare());
        long seed = flags.longValue("seed", 42);
        int parallelism = flags.intValue("parallelism", 2);
        int partitions = flags.intValue("partitions", 2);
        flags.rejectUnread();
        // The only change to the realistic mix this program makes; start time and event-time step stay the mix's.
        AuditTrafficGenerator.Mix mix = new AuditTrafficGenerator.Mix(realistic.relevantShare(), maliciousShare,
                realistic.startMillis(), realistic.stepMicros());

        // Kafka's default: no forced fsync (the test kit's broker flushes every message, a test setting).
        KafkaBrokerExtension broker = new KafkaBrokerExtension()
                .withBrokerProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        broker.beforeAll(null);
        MiniCluster cluster = null;
        Path checkpoints = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bench-checkpoints-");
        int exit;
        try {
            String input = broker.createTopic("bench-audit", partitions);
            String alerts = broker.createTopic("bench-alerts", 2);
            String deadLetters = broker.createTopic("bench-dead-letters", 1);
            List<String> jobArgs = new ArrayList<>(List.of("--config", "conf/cronsentinel.yaml",
                    "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka",
                    "--input.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--input.kafka.topics=" + input,
                    "--input.kafka.group-id=cronsentinel-" + input,
                    "--input.kafka.starting-offsets=earliest",
                    "--output.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--output.kafka.alerts-topic=" + alerts,
                    "--output.kafka.dead-letter-topic=" + deadLetters,
                    "--output.kafka.transactional-id-prefix=" + input));
            jobOverrides.forEach((k, v) -> jobArgs.add("--" + k + "=" + v));
            JobConfig config = CronSentinelJob.loadConfig(jobArgs.toArray(new String[0]));

            // Fresh REST metrics for the input-lag samples (Flink's default refreshes them every 10 s).
            flinkOverrides.putIfAbsent("metrics.fetcher.update-interval", "1s");
            Configuration conf = BenchFlink.productionConfig(Path.of("conf/flink"), checkpoints, flinkOverrides);
            cluster = BenchFlink.startMiniCluster(conf, parallelism);
            StreamExecutionEnvironment env = BenchFlink.env(conf, parallelism);
            boolean exactlyOnce = config.kafkaOutput().delivery() == KafkaSinkConfig.Delivery.EXACTLY_ONCE;
            if (exactlyOnce && !env.getCheckpointConfig().isCheckpointingEnabled()) {
                throw new IllegalStateException("exactly-once output needs checkpointing; set --flink execution.checkpointing.interval=...");
            }
            long checkpointMillis = env.getCheckpointConfig().isCheckpointingEnabled()
                    ? env.getCheckpointConfig().getCheckpointInterval() : 0;
            if (exactlyOnce) {
                config.kafkaOutput().checkAgainstCheckpointing(Duration.ofMillis(checkpointMillis));
            }
            long cooldownSeconds = cooldownFlag >= 0 ? cooldownFlag
                    : (long) Math.ceil((config.eventTime().maxOutOfOrderness().toMillis() + (exactlyOnce ? checkpointMillis : 0)) / 1000.0) + 10;

            System.out.println("config: preset " + preset.name() + "; job overrides " + jobOverrides + "; Flink overrides " + flinkOverrides);
            System.out.println("config: event-time.max-out-of-orderness " + config.eventTime().maxOutOfOrderness()
                    + ", event-time.idleness " + config.eventTime().idleness()
                    + ", context.ordering-hold " + config.context().orderingHold()
                    + ", grouping.period " + config.grouping().period()
                    + ", output.kafka.delivery-guarantee " + config.kafkaOutput().delivery()
                    + " (alert consumer isolation.level " + (exactlyOnce ? "read_committed" : "read_uncommitted") + ")");
            System.out.println("flink: conf/flink/config.yaml, then restart-strategy none, no metric reporters, checkpoints in " + checkpoints);
            BenchFlink.describe(conf).forEach(l -> System.out.println("flink:   " + l));
            System.out.printf("load: offered %,.0f events/s (%d-event steps paced by System.nanoTime), realistic mix with "
                    + "malicious share %.3f, seed %d, partitioned by audit ID over %d input partitions; warm-up %d s, measurement %d s, "
                    + "cool-down %d s%n", rate, batch, maliciousShare, seed, partitions, warmupSeconds, measureSeconds, cooldownSeconds);
            System.out.println("broker: in-JVM KRaft broker (Kafka test kit), log.flush.interval.messages at Kafka's default; "
                    + "producer: client defaults (acks=all, idempotent)");

            Topology.build(env, KafkaAuditSourceFactory.stream(env, config.kafkaInput(), config.decoder().maxRecordBytes()),
                    new Topology.Sinks(KafkaAlertSinkFactory.alerts(config.kafkaOutput()),
                            KafkaAlertSinkFactory.deadLetters(config.kafkaOutput())), config);
            JobClient job = env.executeAsync("latency (" + preset.name() + ")");
            awaitAllTasksRunning(cluster, job.getJobID());
            BenchFlink.JobFacts facts = BenchFlink.JobFacts.running(cluster, job.getJobID());
            System.out.println("job: " + facts);

            Clock clock = new Clock();
            AlertReader reader = new AlertReader(broker, alerts, exactlyOnce, clock);
            Thread consumer = new Thread(reader, "alert-consumer");
            consumer.start();
            reader.ready.await();

            long now = System.nanoTime();
            clock.start = now;
            clock.measureStart = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
            clock.measureEnd = clock.measureStart + TimeUnit.SECONDS.toNanos(measureSeconds);
            clock.end = clock.measureEnd + TimeUnit.SECONDS.toNanos(cooldownSeconds);
            Producer producer = new Producer(broker, input, partitions, new AuditTrafficGenerator(seed, mix), rate, batch, clock);
            Thread producerThread = new Thread(producer, "paced-producer");
            producerThread.start();

            String restBase = cluster.getRestAddress().get().toString();
            System.out.println("flink: REST API and web UI at " + restBase);
            long maxLag = -1;
            long lagAtWindowEnd = -1;
            while (producerThread.isAlive()) {
                producerThread.join(1000);
                long t = System.nanoTime();
                if (t >= clock.measureStart && t < clock.measureEnd) {
                    maxLag = Math.max(maxLag, inputLag(broker, input, restBase, job.getJobID()));
                } else if (t >= clock.measureEnd && lagAtWindowEnd < 0) {
                    lagAtWindowEnd = inputLag(broker, input, restBase, job.getJobID());
                }
            }
            if (producer.failure != null) {
                throw new IllegalStateException("producer failed", producer.failure);
            }
            reader.stop.set(true);
            consumer.join();
            if (reader.failure != null) {
                throw new IllegalStateException("alert consumer failed", reader.failure);
            }
            BenchFlink.JobFacts endFacts = BenchFlink.JobFacts.running(cluster, job.getJobID());
            JobStatus status = job.getJobStatus().get();
            job.cancel().get();

            exit = report(clock, producer, reader, rate, maxLag, lagAtWindowEnd, endFacts, status);
            System.out.println("command: scripts/bench-main.sh " + KafkaLatencyBenchmark.class.getName()
                    + (args.length == 0 ? "" : " " + String.join(" ", args)));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            broker.afterAll(null);
            BenchFlink.deleteTree(checkpoints);
        }
        System.exit(exit);
    }

    private static int report(Clock clock, Producer producer, AlertReader reader, double rate, long maxLag,
            long lagAtWindowEnd, BenchFlink.JobFacts facts, JobStatus status) {
        double warmupRate = producer.sentWarmup / ((clock.measureStart - clock.start) / 1e9);
        double measureRate = producer.sentMeasured / ((clock.measureEnd - clock.measureStart) / 1e9);
        System.out.println();
        System.out.printf("input: offered %,.0f events/s; achieved %,.0f events/s in warm-up, %,.0f events/s in the "
                + "measurement window (%,d events, %,d relevant requests), %,d events in all%n",
                rate, warmupRate, measureRate, producer.sentMeasured, producer.relevantMeasured, producer.sent);
        if (measureRate < 0.95 * rate) {
            System.out.printf("WARNING: the producer achieved only %.0f%% of the offered rate in the window (a busy machine, or "
                    + "the producer shares the cores with the job): these latencies are at the achieved rate%n", 100 * measureRate / rate);
        }
        System.out.println("job at the end: " + status + ", " + facts);
        long[] latencies = reader.measured.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(latencies);
        System.out.println("latency = alert consumer's poll returned it (System.nanoTime) - KafkaProducer.send of the triggering "
                + "request's ResponseComplete record (System.nanoTime just before send); first sightings of workload/attempt "
                + "alerts whose request was sent in the measurement window");
        int exit = 0;
        if (latencies.length == 0) {
            System.out.println("latency: NO SAMPLES (no alert of a request sent in the window arrived; raise --cooldown-seconds "
                    + "or --malicious-share)");
            exit = 1;
        } else {
            System.out.printf("latency (ms): count %,d, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n", latencies.length,
                    BenchStats.percentile(latencies, 50) / 1e6, BenchStats.percentile(latencies, 90) / 1e6,
                    BenchStats.percentile(latencies, 99) / 1e6, latencies[latencies.length - 1] / 1e6);
            if (latencies.length < 100) {
                System.out.println("latency: fewer than 100 samples, p99 is the maximum; alerts of one finding within "
                        + "grouping.period are one alert, so more malicious requests add few; a longer run, or "
                        + "--set grouping.period=10s, gives more first sightings");
            }
        }
        System.out.printf("not timed: %,d first sightings of warm-up requests, %,d of requests sent after the window, "
                + "%,d repeat records of an alert id already seen (grouped repeats, chain updates), by kind %s; "
                + "%,d alerts naming an audit ID never sent as a create's ResponseComplete record%n",
                reader.warmupFirst, reader.afterWindowFirst, reader.repeats, reader.otherKinds, reader.unmatched);
        System.out.printf("input lag (input end offsets - records the source emitted; metric up to 1 s old): max %s during "
                + "the window (sampled every second), %s just after it%n", lag(maxLag), lag(lagAtWindowEnd));
        System.out.printf("alert consumer lag at the end: %,d records%n", reader.lagAtEnd);
        if (reader.unmatched > 0) {
            System.out.println("SANITY: alerts named audit IDs of no create the producer sent");
            exit = 1;
        }
        if (status != JobStatus.RUNNING) {
            System.out.println("SANITY: the job was " + status + " at the end, not RUNNING");
            exit = 1;
        }
        return exit;
    }

    private static String lag(long lag) {
        return lag < 0 ? "n/a" : String.format("%,d", lag);
    }

    /** Blocks until the job and every one of its tasks are running, so the warm-up does not pay for deployment. */
    private static void awaitAllTasksRunning(MiniCluster cluster, JobID job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
            if (graph.getState().isGloballyTerminalState()) {
                throw new IllegalStateException("job ended before it ran: " + graph.getState()
                        + (graph.getFailureInfo() == null ? "" : ": " + graph.getFailureInfo().getExceptionAsString()));
            }
            boolean running = graph.getState() == JobStatus.RUNNING;
            for (AccessExecutionJobVertex v : graph.getAllVertices().values()) {
                running &= v.getAggregateState() == ExecutionState.RUNNING;
            }
            if (running) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job tasks not all running after 120 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Records in the input topic that the job's source has not emitted yet: the topic's end offsets (from the
     * broker, now) minus the source's {@code numRecordsOut} summed over subtasks (from the MiniCluster's REST API,
     * refreshed every second, so up to a second old: at 20,000 events/s that staleness alone can read as up to
     * 20,000). -1 when the metric is not available yet.
     */
    private static long inputLag(KafkaBrokerExtension broker, String topic, String restBase, JobID job) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode vertices = get(http, restBase + "/jobs/" + job);
            String source = null;
            for (JsonNode v : vertices.path("vertices")) {
                if (v.path("name").asText().startsWith("Source: " + KafkaAuditSourceFactory.NAME)) {
                    source = v.path("id").asText();
                }
            }
            if (source == null) {
                return -1;
            }
            String metrics = restBase + "/jobs/" + job + "/vertices/" + source + "/subtasks/metrics";
            String emitted = null;
            for (JsonNode m : get(http, metrics)) {
                String id = m.path("id").asText();
                if (id.startsWith("Source__") && id.endsWith(".numRecordsOut")) {
                    emitted = id;
                }
            }
            if (emitted == null) {
                return -1;
            }
            JsonNode value = get(http, metrics + "?agg=sum&get=" + URLEncoder.encode(emitted, StandardCharsets.UTF_8));
            long end = broker.totalEndOffset(topic, IsolationLevel.READ_UNCOMMITTED);
            return value.size() == 0 ? -1 : Math.max(0, end - (long) value.get(0).path("sum").asDouble());
        } catch (Exception e) {
            return -1;
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** Offers generated traffic at a fixed rate and records the send time of every relevant request. */
    private static final class Producer implements Runnable {
        private final KafkaBrokerExtension broker;
        private final String topic;
        private final int partitions;
        private final AuditTrafficGenerator generator;
        private final double rate;
        private final int batch;
        private final Clock clock;
        long sent;
        long sentWarmup;
        long sentMeasured;
        long relevantMeasured;
        volatile Throwable failure;

        Producer(KafkaBrokerExtension broker, String topic, int partitions, AuditTrafficGenerator generator, double rate,
                int batch, Clock clock) {
            this.broker = broker;
            this.topic = topic;
            this.partitions = partitions;
            this.generator = generator;
            this.rate = rate;
            this.batch = batch;
            this.clock = clock;
        }

        @Override
        public void run() {
            Properties p = broker.clientProperties();
            p.put("acks", "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (long step = 0; ; step++) {
                    // Step k is due k * batch / rate after the start; a late step is sent at once (catching up).
                    long due = clock.start + (long) (step * batch * 1e9 / rate);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    if (now >= clock.end) {
                        break;
                    }
                    for (int i = 0; i < batch; i++) {
                        long relevantBefore = generator.counts().relevantRequests;
                        byte[] event = generator.next();
                        boolean startsRelevant = generator.counts().relevantRequests > relevantBefore;
                        String auditId = BenchAuditIds.of(event);
                        // Recognised from the record itself: the generator queues a request's second stage by event
                        // time, so the two stages of a request are not consecutive in the output.
                        boolean scored = BenchAuditIds.isCreateResponse(event);
                        long sendAt = System.nanoTime();
                        producer.send(new ProducerRecord<>(topic, BenchAuditIds.partition(auditId, partitions), null, event));
                        if (scored) {
                            clock.sentNanos.put(auditId, sendAt);
                        }
                        sent++;
                        if (sendAt < clock.measureStart) {
                            sentWarmup++;
                        } else if (sendAt < clock.measureEnd) {
                            sentMeasured++;
                            if (startsRelevant) {
                                relevantMeasured++;
                            }
                        }
                    }
                }
                producer.flush();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** Reads the alert topic from the beginning and times the first sighting of every alert id. */
    private static final class AlertReader implements Runnable {
        private final KafkaBrokerExtension broker;
        private final String topic;
        private final boolean readCommitted;
        private final Clock clock;
        final CountDownLatch ready = new CountDownLatch(1);
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Long> measured = new ArrayList<>();
        final Map<String, Long> otherKinds = new TreeMap<>();
        long warmupFirst;
        long afterWindowFirst;
        long repeats;
        long unmatched;
        long lagAtEnd;
        volatile Throwable failure;

        AlertReader(KafkaBrokerExtension broker, String topic, boolean readCommitted, Clock clock) {
            this.broker = broker;
            this.topic = topic;
            this.readCommitted = readCommitted;
            this.clock = clock;
        }

        @Override
        public void run() {
            Properties p = broker.clientProperties();
            p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
            p.put("enable.auto.commit", "false");
            p.put("fetch.max.wait.ms", "10");
            Set<String> seen = new HashSet<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                tps.forEach(consumer::position);
                ready.countDown();
                while (!stop.get()) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                    long received = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        Alert a = AlertJson.fromJson(new String(r.value(), StandardCharsets.UTF_8));
                        if (!seen.add(a.alertId())) {
                            repeats++;
                            continue;
                        }
                        if (a.kind() != AlertKind.WORKLOAD && a.kind() != AlertKind.ATTEMPT) {
                            otherKinds.merge(a.kind().toString(), 1L, Long::sum);
                            continue;
                        }
                        Long sent = a.auditId() == null ? null : clock.sentNanos.get(a.auditId());
                        if (sent == null) {
                            unmatched++;
                        } else if (sent < clock.measureStart) {
                            warmupFirst++;
                        } else if (sent < clock.measureEnd) {
                            measured.add(received - sent);
                        } else {
                            afterWindowFirst++;
                        }
                    }
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(tps);
                for (TopicPartition tp : tps) {
                    lagAtEnd += Math.max(0, end.get(tp) - consumer.position(tp));
                }
            } catch (Throwable t) {
                failure = t;
                ready.countDown();
            }
        }
    }
}
