package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.Topology;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.ingest.AuditLogFileFormat;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.ElasticsearchNode;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch goes down in the middle of the stream and comes back: the job keeps running (it neither fails
 * nor drops the alerts it could not write), keeps completing checkpoints while the node is down, and once the node
 * returns every alert is in the index exactly once.
 *
 * <p>The job is the real topology at parallelism 2, fed by the real file source watching a directory, so the
 * stream is unbounded as in production. The first half of the attack-chain fixture is in the directory from the
 * start; the second half is added only after the node is stopped, so its alerts can only be written after the
 * outage. The node is a private one ({@link ElasticsearchNode}), since stopping the shared node would break other
 * classes. The sink's own metric {@code esDocumentsRetried} and the job's {@code numberOfCompletedCheckpoints}, read
 * through Flink's in-memory metric reporter, show that the sink really met the outage and that checkpoints went on
 * meanwhile, so the test cannot pass by writing after the restart only.
 */
class ElasticsearchOutageITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.addToConfiguration(Pipelines.flinkConfig()))
            .build());

    private static ElasticsearchNode es;

    @TempDir
    Path input;

    @BeforeAll
    static void startNode() {
        es = ElasticsearchNode.start("outage");
    }

    @AfterAll
    static void stopNode() {
        if (es != null) {
            es.close();
        }
    }

    /** The fixture split where the cryptominer CronJob starts: its alerts can only be written after the outage. */
    private record Split(JobConfig config, List<byte[]> early, List<byte[]> late, Set<String> earlyIds, Set<String> lateIds) {
        static Split of(JobConfig config) {
            AttackChainExpectations expected = AttackChainExpectations.load(config);
            List<byte[]> lines = TestData.lines(AttackChainExpectations.fixture());
            long firstLateLine = expected.workloadIds.entrySet().stream().filter(e -> e.getValue().equals("analytics"))
                    .mapToLong(e -> AttackChainExpectations.lineOf(expected.auditIds.get(e.getKey()))).min().orElseThrow();
            Set<String> lateIds = expected.workloadIds.keySet().stream()
                    .filter(id -> AttackChainExpectations.lineOf(expected.auditIds.get(id)) >= firstLateLine)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> earlyIds = new TreeSet<>(expected.workloadIds.keySet());
            earlyIds.removeAll(lateIds);
            assertThat(lateIds).hasSize(2);
            assertThat(earlyIds).hasSize(3);
            return new Split(config, lines.subList(0, (int) firstLateLine - 1), lines.subList((int) firstLateLine - 1, lines.size()),
                    earlyIds, lateIds);
        }
    }

    /** The topology over the watched directory, into the given index, with every emitted alert also collected. */
    private JobClient start(Split split, String index, String name, FailOnce failure, CollectingSink<Alert> emitted,
            CollectingSink<DeadLetter> dead) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        env.enableCheckpointing(500);
        FileSource<RawAuditRecord> files = FileSource
                .forBulkFileFormat(new AuditLogFileFormat(split.config().decoder().maxRecordBytes()),
                        new org.apache.flink.core.fs.Path(input.toUri()))
                .monitorContinuously(Duration.ofMillis(200))
                .build();
        DataStream<RawAuditRecord> records = env.fromSource(files, WatermarkStrategy.noWatermarks(), "watched audit directory")
                .uid("audit-files")
                .map(failure).uid("fail-once").name("fail once on request");
        Topology.Streams streams = Topology.build(env, records,
                new Topology.Sinks(ElasticsearchSink.forAlerts(SinkConfigs.forNode(es, index)), dead), split.config());
        streams.alerts().sinkTo(emitted).uid("emitted-alerts").name("emitted alerts");
        return env.executeAsync(name);
    }

    @Test
    void everyAlertArrivesOnceAfterTheNodeComesBack() throws Exception {
        String index = "it-outage";
        Split split = Split.of(Pipelines.jobConfig("input.file.paths", AttackChainExpectations.fixture().toString()));
        Set<String> earlyIds = split.earlyIds();
        Set<String> lateIds = split.lateIds();
        AttackChainExpectations expected = AttackChainExpectations.load(split.config());
        write(input, "part-1.log", split.early());
        CollectingSink<Alert> emitted = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        JobClient job = start(split, index, "elasticsearch outage", new FailOnce(UUID.randomUUID().toString()), emitted, dead);
        JobID jobId = job.getJobID();
        try {
            // Before the outage: the first half's alerts are written.
            await("the first half's alerts in Elasticsearch", Duration.ofMinutes(2),
                    () -> es.documents(index).keySet().containsAll(earlyIds) && es.count(index) == distinctIds(emitted).size());
            assertThat(distinctIds(emitted)).doesNotContainAnyElementsOf(lateIds);

            es.stop();
            write(input, "part-2.log", split.late());

            // During the outage: the late alerts reach the sink, which fails to write them and retries; the job stays
            // up, and checkpoints still complete since the unwritten alerts wait in the sink's checkpointed buffer.
            await("the late alerts emitted", Duration.ofMinutes(2), () -> distinctIds(emitted).containsAll(lateIds));
            await("the sink retrying against the stopped node", Duration.ofMinutes(2),
                    () -> sum(jobId, "esDocumentsRetried") >= lateIds.size());
            long checkpoints = sum(jobId, "numberOfCompletedCheckpoints");
            await("checkpoints completing during the outage", Duration.ofMinutes(2),
                    () -> sum(jobId, "numberOfCompletedCheckpoints") >= checkpoints + 2);
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            assertThat(es.running()).isFalse();

            es.restart();
            await("every emitted alert in Elasticsearch", Duration.ofMinutes(2),
                    () -> es.documents(index).keySet().equals(distinctIds(emitted)));
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }

        Set<String> all = distinctIds(emitted);
        assertThat(all).containsAll(expected.workloadIds.keySet());
        assertThat(es.documents(index).keySet()).isEqualTo(all);
        assertThat(es.count(index)).isEqualTo(all.size());
        // The second file's lines interleave in time with the first's: those already behind the watermark when the
        // file appears are late for correlation, and reach the dead-letter sink instead of being lost (issue 16).
        // Nothing else may be dead-lettered.
        assertThat(dead.results()).allSatisfy(d -> assertThat(d.reason()).isEqualTo("late-for-correlation"));
        assertThat(es.indexExists(index + "-dead-letters")).isFalse();
    }

    /**
     * The job fails and restarts from its last checkpoint while the node is down. The alerts it could not write
     * were accepted before that checkpoint, so the restarted job does not read or score their events again: they
     * survive only as the sink's restored buffer, and they are in the index once the node is back.
     */
    @Test
    void unwrittenAlertsSurviveAFailoverFromTheSinksCheckpointedBuffer() throws Exception {
        String index = "it-outage-failover";
        Split split = Split.of(Pipelines.jobConfig("input.file.paths", AttackChainExpectations.fixture().toString()));
        write(input, "part-1.log", split.early());
        CollectingSink<Alert> emitted = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        FailOnce failure = new FailOnce(UUID.randomUUID().toString());
        JobClient job = start(split, index, "elasticsearch outage with failover", failure, emitted, dead);
        JobID jobId = job.getJobID();
        try {
            await("the first half's alerts in Elasticsearch", Duration.ofMinutes(2),
                    () -> es.documents(index).keySet().containsAll(split.earlyIds()) && es.count(index) == distinctIds(emitted).size());
            es.stop();
            write(input, "part-2.log", split.late());
            await("the late alerts emitted", Duration.ofMinutes(2), () -> distinctIds(emitted).containsAll(split.lateIds()));
            await("the sink retrying against the stopped node", Duration.ofMinutes(2),
                    () -> sum(jobId, "esDocumentsRetried") >= split.lateIds().size());
            long checkpoints = sum(jobId, "numberOfCompletedCheckpoints");
            await("checkpoints holding the unwritten alerts", Duration.ofMinutes(2),
                    () -> sum(jobId, "numberOfCompletedCheckpoints") >= checkpoints + 2);

            // One more line, which the failure injector answers by failing its task once: the job restarts.
            failure.arm();
            write(input, "part-3.log", split.early().subList(0, 1));
            await("the job restarted", Duration.ofMinutes(2), () -> sum(jobId, "numRestarts") >= 1);
            await("the restarted job running", Duration.ofMinutes(2), () -> jobStatus(job) == JobStatus.RUNNING);
            long afterRestart = sum(jobId, "numberOfCompletedCheckpoints");
            await("a checkpoint of the restarted job", Duration.ofMinutes(2),
                    () -> sum(jobId, "numberOfCompletedCheckpoints") > afterRestart);

            es.restart();
            await("the late alerts in Elasticsearch", Duration.ofMinutes(2),
                    () -> es.documents(index).keySet().containsAll(split.lateIds()));
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        assertThat(failure.failed()).isTrue();
        // Emitted once each: the restart did not re-read their events, so only the restored buffer can have written them.
        assertThat(emitted.results()).filteredOn(a -> split.lateIds().contains(a.alertId())).hasSize(split.lateIds().size());
        assertThat(es.documents(index).keySet()).isEqualTo(distinctIds(emitted));
        // The second file's lines interleave in time with the first's: those already behind the watermark when the
        // file appears are late for correlation, and reach the dead-letter sink instead of being lost (issue 16).
        // Nothing else may be dead-lettered.
        assertThat(dead.results()).allSatisfy(d -> assertThat(d.reason()).isEqualTo("late-for-correlation"));
    }

    private static JobStatus jobStatus(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Passes records through; once armed, fails its task on the next record (once). The switch lives in a JVM-wide
     * map, since the MiniCluster runs the job in the test JVM.
     */
    static final class FailOnce implements MapFunction<RawAuditRecord, RawAuditRecord> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, AtomicInteger> STATE = new ConcurrentHashMap<>();
        private static final int IDLE = 0;
        private static final int ARMED = 1;
        private static final int FIRED = 2;
        private final String id;

        FailOnce(String id) {
            this.id = id;
            STATE.put(id, new AtomicInteger(IDLE));
        }

        void arm() {
            STATE.get(id).set(ARMED);
        }

        boolean failed() {
            return STATE.get(id).get() == FIRED;
        }

        @Override
        public RawAuditRecord map(RawAuditRecord r) {
            if (STATE.get(id).compareAndSet(ARMED, FIRED)) {
                throw new IllegalStateException("injected failure (test)");
            }
            return r;
        }
    }

    private static void write(Path dir, String name, List<byte[]> lines) throws IOException {
        // Written under a hidden name and renamed, so the watching source never reads half a file.
        Path tmp = dir.resolve("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (byte[] l : lines) {
                out.write(l);
                out.write('\n');
            }
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Set<String> distinctIds(CollectingSink<Alert> sink) {
        return sink.results().stream().map(Alert::alertId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Sum of a counter or numeric gauge over every subtask (or the job) that reports it. */
    private static long sum(JobID job, String metric) {
        long total = 0;
        for (Metric m : METRICS.findMetrics(job, metric).values()) {
            if (m instanceof Counter) {
                total += ((Counter) m).getCount();
            } else if (m instanceof Gauge && ((Gauge<?>) m).getValue() instanceof Number) {
                total += ((Number) ((Gauge<?>) m).getValue()).longValue();
            }
        }
        return total;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
