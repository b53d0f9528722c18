package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.config.ScoringConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The scoring function's counters, read from a metric registry the harness's task reports into. */
class ScoringFunctionMetricsTest {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> harness() throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    if (metric instanceof Counter c) {
                        counters.put(name, c);
                    }
                })
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "score");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        ScoringFunction fn = new ScoringFunction(TestData.defaultScorer().rules(), DecoderConfig.defaults(),
                new ScoringConfig(Duration.ofMinutes(10)));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), new ActorNamespaceKey(), Types.STRING, env);
        h.open();
        return h;
    }

    private static WorkloadEvent at(WorkloadEvent e, long time) {
        return new WorkloadEvent(e.auditId(), time, e.timestamp(), e.verb(), e.resource(), e.namespace(), e.name(), e.uid(),
                e.username(), e.groups(), e.userAgent(), e.sourceIp(), e.responseCode(), e.decision(), e.level(), e.truncated(),
                e.ownerKind(), e.ownerName(), e.ownerUid(), e.jobNameLabel(), e.schedule(), e.timeZone(), e.suspend(), e.keepsNoHistory(), e.manualFromCronJob(),
                e.templates(), e.origin());
    }

    private long count(String name) {
        assertThat(counters).as("registered counters").containsKey(name);
        return counters.get(name).getCount();
    }

    @Test
    void eventsBehindTheWatermarkAreCountedLateAndStillScored() throws Exception {
        var h = harness();
        List<WorkloadEvent> attacks = TestData.decodeFile(TestData.resource("fixtures/score/attacks.jsonl")).events;
        long watermark = 1_800_000_000_000L;
        h.processWatermark(watermark);

        WorkloadEvent behind = at(attacks.get(0), watermark - 60_000);
        WorkloadEvent onIt = at(attacks.get(1), watermark);
        WorkloadEvent ahead = at(attacks.get(2), watermark + 1);
        h.processElement(new StreamRecord<>(behind, behind.eventTime()));
        h.processElement(new StreamRecord<>(onIt, onIt.eventTime()));
        h.processElement(new StreamRecord<>(ahead, ahead.eventTime()));

        // At the watermark is late too: the watermark says everything up to it has arrived.
        assertThat(count("lateEvents")).isEqualTo(2);
        assertThat(count("eventsScored")).isEqualTo(3);
        assertThat(h.extractOutputValues()).extracting(s -> s.event().auditId())
                .containsExactly(behind.auditId(), onIt.auditId(), ahead.auditId());
        long alerts = counters.entrySet().stream().filter(e -> e.getKey().startsWith("structuralAlerts_"))
                .mapToLong(e -> e.getValue().getCount()).sum();
        assertThat(alerts).isEqualTo(h.extractOutputValues().stream().filter(ScoredEvent::alertable).count()).isPositive();
        h.close();
    }

    @Test
    void findingsAnAllowlistSilencedAreCountedPerEntry() throws Exception {
        var h = harness();
        WorkloadEvent scanner = dev.cronsentinel.testing.AuditEvents.cronJob("security-scan", "bench").id("s1")
                .at(java.time.Instant.parse("2026-11-20T10:00:00Z")).images("aquasec/kube-bench:v0.8.0").hostPath("/etc").decoded();
        h.processElement(new StreamRecord<>(scanner, scanner.eventTime()));
        ScoredEvent out = h.extractOutputValues().get(0);
        assertThat(out.allowlistedBy()).isEqualTo("security-scanners");
        assertThat(out.signals()).isEmpty();
        // hostpath-volume and sensitive-mount on /etc: silenced, and still visible here.
        assertThat(count("allowlistedSignals")).isEqualTo(2);
        assertThat(count("allowlistedSignals_security-scanners")).isEqualTo(2);
        assertThat(count("allowlistedSignals_node-log-agents")).isZero();
        h.close();
    }
}
