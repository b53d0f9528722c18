package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.testing.AuditReplay;
import dev.cronsentinel.testing.ExactlyOnceOutput;
import dev.cronsentinel.testing.ExactlyOnceOutput.Expected;
import dev.cronsentinel.testing.FlinkMiniClusters;
import dev.cronsentinel.testing.KafkaBrokerExtension;
import dev.cronsentinel.testing.StandaloneFlinkCluster;
import dev.cronsentinel.testing.StandaloneFlinkCluster.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded job jar on a real standalone Flink cluster: a JobManager process and TaskManager processes started
 * by {@code scripts/flink-cluster.sh} with {@code conf/flink/config.yaml} (RocksDB, incremental and unaligned
 * checkpoints, exactly-once, no generated uids), a real Kafka broker, and the attack-chain fixture replayed
 * through it. The expected output is the same topology run without faults over the same records in the test's
 * MiniCluster ({@link ExactlyOnceOutput}); read_committed must see exactly that.
 *
 * <p>The test cluster checkpoints every 5 minutes, i.e. never on its own during a test: every checkpoint is
 * triggered through the REST API, so it is known which records a checkpoint covers and that the alerts written
 * after it sit in an open Kafka transaction. Runs under failsafe after {@code package} (it needs the jar).
 */
@Tag("cluster")
class FlinkClusterITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Only for the reference runs. */
    @RegisterExtension
    static final MiniClusterExtension REFERENCE = FlinkMiniClusters.extension();

    @RegisterExtension
    static final StandaloneFlinkCluster CLUSTER = new StandaloneFlinkCluster("execution.checkpointing.interval=5min");

    private record Topics(String input, String alerts, String deadLetters, String group) {
        static Topics fresh(String stem) throws Exception {
            String input = KAFKA.createTopic(stem + "-audit", 2);
            return new Topics(input, KAFKA.createTopic(stem + "-alerts", 2),
                    KAFKA.createTopic(stem + "-dead-letters", 1), "cronsentinel-" + input);
        }

        /** The job's command line: the shipped config switched to Kafka by overrides, as an operator would. */
        String[] jobArgs() {
            return new String[] {
                "--input.type=kafka", "--output.type=kafka", "--dead-letters.type=kafka",
                // Replayed fixtures are dated: the wall clock must not judge them (the test stays date-independent).
                "--event-time.wall-clock-bounds=off",
                "--input.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--input.kafka.topics=" + input,
                "--input.kafka.group-id=" + group,
                "--input.kafka.starting-offsets=earliest",
                "--output.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--output.kafka.alerts-topic=" + alerts,
                "--output.kafka.dead-letter-topic=" + deadLetters,
                "--output.kafka.transactional-id-prefix=" + input};
        }

        JobConfig config() {
            List<String> args = new ArrayList<>(List.of("--config", "conf/cronsentinel.yaml"));
            args.addAll(List.of(jobArgs()));
            return CronSentinelJob.loadConfig(args.toArray(new String[0]));
        }
    }

    /**
     * Kill -9 a TaskManager in the middle of the stream: the first half of the input is processed and covered by
     * a completed checkpoint, alerts of the second half are on the broker in transactions that are still open.
     * The JobManager restarts the job from the checkpoint on a fresh TaskManager; the dangling transactions are
     * aborted and the second half is processed again. read_committed sees every alert exactly once.
     */
    @Test
    void killingATaskManagerMidStreamLosesAndDuplicatesNoAlert() throws Exception {
        Topics t = Topics.fresh("tm-kill");
        List<byte[]> values = AuditReplay.withMalformedFirst(AuditReplay.fixtureLines());
        int half = values.size() / 2;
        List<RawAuditRecord> raw = new ArrayList<>(AuditReplay.produce(KAFKA, t.input(), values.subList(0, half)));

        String job = CLUSTER.submit(t.jobArgs());
        CLUSTER.awaitAllTasksRunning(job);
        long checkpoint = checkpointUntilCaughtUp(job, t);
        // Counted as records read, not as offsets: offsets say nothing of records a broker has since deleted.
        int committedAtCheckpoint = KAFKA.readAll(t.alerts(), IsolationLevel.READ_COMMITTED).size();
        assertThat(committedAtCheckpoint).as("alerts of the first half committed").isPositive();

        raw.addAll(AuditReplay.produce(KAFKA, t.input(), values.subList(half, values.size())));
        // The second half's alerts reach the broker inside a transaction that only a checkpoint would commit.
        StandaloneFlinkCluster.await("alerts written after the checkpoint",
                () -> KAFKA.readAll(t.alerts(), IsolationLevel.READ_UNCOMMITTED).size() > committedAtCheckpoint);
        List<Long> before = CLUSTER.taskManagerPids();
        long killed = CLUSTER.killTaskManager();
        assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).as("TaskManager %d alive", killed).isFalse();
        assertThat(CLUSTER.taskManagerPids()).hasSize(before.size() - 1);

        CLUSTER.startTaskManager();
        // Until the JobManager notices the loss, the job still looks RUNNING: wait for the restore itself.
        StandaloneFlinkCluster.await("job restored from checkpoint " + checkpoint,
                () -> CLUSTER.restoredFrom(job).path("id").asLong(-1) == checkpoint);
        assertThat(CLUSTER.restoredFrom(job).path("is_savepoint").asBoolean()).isFalse();
        CLUSTER.awaitAllTasksRunning(job);

        checkpointUntilCaughtUp(job, t);
        CLUSTER.stopWithSavepoint(job, true);
        CLUSTER.awaitJobState(job, "FINISHED"::equals, "finished");

        Expected expected = ExactlyOnceOutput.reference(raw, t.config());
        assertMeaningful(expected);
        ExactlyOnceOutput.assertAlertsExact(ExactlyOnceOutput.committedAlerts(KAFKA, t.alerts()), expected);
        ExactlyOnceOutput.assertDeadLettersExact(KAFKA, t.deadLetters(), expected);
        // The kill really left alert records on the broker that no reader may see.
        assertThat(KAFKA.readAll(t.alerts(), IsolationLevel.READ_UNCOMMITTED).size())
                .isGreaterThan(ExactlyOnceOutput.committedAlerts(KAFKA, t.alerts()).size());
    }

    /** Where the savepoint cuts the hour: after the reverse-shell CronJob (09:02) and three of its runs, before two more. */
    private static final Instant CUT = Instant.parse("2026-11-20T09:16:00Z");
    /** Re-delivered after the restore: requests from these last minutes before the cut, inside the dedupe window. */
    private static final Duration REDELIVERED = Duration.ofMinutes(9);

    /**
     * Stop with a savepoint in the middle of the attack chains, restart the jar from it, and the job goes on as if
     * it had never stopped. The keyed state comes back under the same uids: events re-delivered after the restart
     * (a webhook retry) are recognised from the dedupe state written before it, so no alert is committed twice;
     * a chain whose root and first runs came before the cut keeps escalating after it, from the roots, pending
     * spawns and open escalations in the savepoint, to the same final alerts as the uninterrupted run.
     *
     * <p>The restored job also shows the metrics the README lists, on the cluster's Prometheus endpoints, and its
     * job graph reads like the architecture.
     */
    @Test
    void aSavepointInTheMiddleOfAChainKeepsItsStateAcrossARestart() throws Exception {
        Topics t = Topics.fresh("savepoint");
        List<byte[]> lines = AuditReplay.fixtureLines();
        int cut = AuditReplay.firstAtOrAfter(lines, CUT);
        List<byte[]> beforeCut = AuditReplay.withMalformedFirst(lines.subList(0, cut));
        List<byte[]> redelivered = AuditReplay.between(lines.subList(0, cut), CUT.minus(REDELIVERED), CUT);
        List<byte[]> afterCut = new ArrayList<>(redelivered);
        afterCut.addAll(lines.subList(cut, lines.size()));

        List<RawAuditRecord> raw = new ArrayList<>(AuditReplay.produce(KAFKA, t.input(), beforeCut));
        String first = CLUSTER.submit(t.jobArgs());
        CLUSTER.awaitAllTasksRunning(first);
        checkpointUntilCaughtUp(first, t);
        String savepoint = CLUSTER.stopWithSavepoint(first, false);
        CLUSTER.awaitJobState(first, "FINISHED"::equals, "finished");
        List<Alert> committedBeforeRestart = ExactlyOnceOutput.committedAlerts(KAFKA, t.alerts());

        raw.addAll(AuditReplay.produce(KAFKA, t.input(), afterCut));
        String second = CLUSTER.submitFromSavepoint(savepoint, t.jobArgs());
        CLUSTER.awaitAllTasksRunning(second);
        JsonNode restored = CLUSTER.restoredFrom(second);
        assertThat(restored.path("is_savepoint").asBoolean()).isTrue();
        assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
        checkpointUntilCaughtUp(second, t);

        // One request far behind the watermark (a copy of the denied create with its own audit ID): counted late.
        byte[] late = lateCopyOfTheDeniedCreate(lines);
        raw.addAll(AuditReplay.produce(KAFKA, t.input(), List.of(late)));
        checkpointUntilCaughtUp(second, t);

        assertTheJobGraphReadsLikeTheArchitecture(second);
        List<Sample> metrics = CLUSTER.scrapePrometheus().stream()
                .filter(s -> s.hasLabel("job_id", second)).toList();

        CLUSTER.stopWithSavepoint(second, true);
        CLUSTER.awaitJobState(second, "FINISHED"::equals, "finished");

        Expected expected = ExactlyOnceOutput.reference(raw, t.config());
        assertMeaningful(expected);
        long redeliveredAlerts = expected.alerts().stream()
                .filter(a -> !a.auditId().startsWith("late-"))
                .filter(a -> a.eventTime() >= CUT.minus(REDELIVERED).toEpochMilli() && a.eventTime() < CUT.toEpochMilli())
                .count();
        assertThat(redeliveredAlerts).as("re-delivered requests that alert (a restore without state would repeat them)")
                .isGreaterThanOrEqualTo(2);
        List<Alert> committed = ExactlyOnceOutput.committedAlerts(KAFKA, t.alerts());
        ExactlyOnceOutput.assertAlertsExact(committed, expected);
        ExactlyOnceOutput.assertDeadLettersExact(KAFKA, t.deadLetters(), expected);

        // The reverse-shell CronJob's chain spans the cut: escalated before it, grown to its full count after it,
        // which takes its root and its escalation from the savepoint.
        Alert before = escalationOf("log-rotate", committedBeforeRestart);
        Alert after = escalationOf("log-rotate", committed);
        assertThat(before.count()).isPositive().isLessThan(after.count());
        assertThat(after).isEqualTo(expected.finalAlerts().get(after.alertId()));

        // Metrics of the restored job: its counters start at zero with it.
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_recordsIn"))
                .as("records read after the restore").isEqualTo(afterCut.size() + 1);
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_eventsFiltered")).isPositive();
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_duplicatesDropped"))
                .as("re-delivered requests dropped by the restored dedupe state").isGreaterThanOrEqualTo(redeliveredAlerts);
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_lateEvents")).isEqualTo(1);
        double alertsBySeverity = metrics.stream()
                .filter(s -> s.name().startsWith("flink_taskmanager_job_task_operator_cronsentinel_alerts_"))
                .mapToDouble(Sample::value).sum();
        // Grouping folds repeats of a finding into one alert id and re-sends it with a higher count, so the
        // alertable events after the restore are the growth of the single-event alerts' final counts.
        assertThat(alertsBySeverity).as("alerts raised by scoring after the restore").isEqualTo(
                (double) (foldedFindings(committed) - foldedFindings(committedBeforeRestart)));
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_correlationLateEvents"))
                .as("the late copy is an attempt, which correlation never takes; nothing else came late").isZero();
        assertThat(sum(metrics, "flink_taskmanager_job_task_operator_cronsentinel_chainUpdates"))
                .as("escalations opened before the cut grew after it").isPositive();
        assertThat(names(metrics)).contains(
                "flink_taskmanager_job_task_operator_cronsentinel_escalationsRaised",
                "flink_taskmanager_job_task_operator_cronsentinel_deadLettered",
                "flink_taskmanager_job_task_operator_column_family_rocksdb_estimate_live_data_size",
                "flink_taskmanager_job_task_operator_column_family_rocksdb_estimate_num_keys",
                "flink_jobmanager_job_lastCheckpointSize",
                "flink_jobmanager_job_numRestarts");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Triggers checkpoints until one covers the whole input topic: the Kafka source commits the group's offsets
     * when a checkpoint completes, so committed offsets at the topic's end mean every record was processed and
     * every alert it raised was committed. Returns the id of that checkpoint.
     */
    private static long checkpointUntilCaughtUp(String job, Topics t) throws Exception {
        Map<Integer, Long> end = KAFKA.endOffsets(t.input(), IsolationLevel.READ_UNCOMMITTED);
        long[] last = new long[1];
        StandaloneFlinkCluster.await("a checkpoint covering " + end + " of " + t.input(), () -> {
            last[0] = CLUSTER.checkpoint(job);
            Thread.sleep(200);
            Map<Integer, Long> committed = KAFKA.committedOffsets(t.group(), t.input());
            return end.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
        });
        return last[0];
    }

    /**
     * The denied CronJob create of the fixture (09:15) once more, under a new audit ID, sent when the watermark
     * is an hour past it. Scoring still scores it (an attempt alert); correlation never takes attempts (they
     * created nothing), so being late changes no chain.
     */
    private static byte[] lateCopyOfTheDeniedCreate(List<byte[]> lines) {
        String deniedAuditId = "dd4db95a-cfae-47e3-819b-ebc2d8118e22";
        String line = lines.stream().map(l -> new String(l, StandardCharsets.UTF_8))
                .filter(l -> l.contains("\"auditID\":\"" + deniedAuditId + "\"") && l.contains("\"stage\":\"ResponseComplete\""))
                .findFirst().orElseThrow();
        return line.replace(deniedAuditId, "late-" + deniedAuditId.substring(5)).getBytes(StandardCharsets.UTF_8);
    }

    /** The last committed version of the escalation whose root has this name. */
    private static Alert escalationOf(String rootName, List<Alert> alerts) {
        Alert last = null;
        for (Alert a : alerts) {
            if (a.kind() == AlertKind.ESCALATION && rootName.equals(a.name())) {
                last = a;
            }
        }
        assertThat(last).as("escalation of %s", rootName).isNotNull();
        return last;
    }

    /** The web UI's job graph: decode, score, correlate, the alert sink and the dead-letter sink. */
    private static void assertTheJobGraphReadsLikeTheArchitecture(String job) throws Exception {
        List<String> vertices = new ArrayList<>();
        CLUSTER.get("/jobs/" + job).path("vertices").forEach(v -> vertices.add(v.path("name").asText()));
        String graph = String.join(" | ", vertices);
        assertThat(graph).contains("Source: Kafka audit events", "decode audit events", "event-time watermarks",
                "score by (actor, namespace)", "alert documents", "link CronJob -> Job", "link Job -> Pod",
                "escalate chains by root", "alerts sink", "dead-letter sink");
        assertThat(graph.indexOf("decode audit events")).isLessThan(graph.indexOf("score by (actor, namespace)"));
    }

    /** The output is not trivially empty, and the malformed records were dead-lettered. */
    private static void assertMeaningful(Expected expected) {
        // 14 with the default rules today (7 from the sample, 6 from the chains, the late copy in one test);
        // the floor only guards against an empty comparison passing.
        assertThat(expected.finalAlerts()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(expected.deadLetters()).hasSizeGreaterThanOrEqualTo(AuditReplay.MALFORMED.size());
    }

    private static double sum(List<Sample> metrics, String name) {
        List<Sample> found = metrics.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(found).as("metric %s", name).isNotEmpty();
        return found.stream().mapToDouble(Sample::value).sum();
    }

    private static List<String> names(List<Sample> metrics) {
        return metrics.stream().map(Sample::name).distinct().collect(Collectors.toList());
    }

    /** The findings folded into single-event alerts: the sum of each alert id's highest count. */
    private static long foldedFindings(List<Alert> alerts) {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (Alert a : alerts) {
            if (ExactlyOnceOutput.singleEvent(a)) {
                counts.merge(a.alertId(), a.count(), Math::max);
            }
        }
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
