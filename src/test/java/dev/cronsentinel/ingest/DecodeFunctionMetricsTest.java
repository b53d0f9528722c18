package dev.cronsentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The decode stage counts what it filters per reason, so an operator sees, say, how many AKS records of other
 * categories or CloudWatch keep-alives arrive, next to the total {@code eventsFiltered}.
 */
class DecodeFunctionMetricsTest {
    /** Counters by name and, for the per-reason ones, by {@code name[reason]}. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    @Test
    void filteredEntriesAreCountedPerReason() throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    if (metric instanceof Counter c) {
                        String reason = group.getAllVariables().get("<reason>");
                        counters.put(reason == null ? name : name + "[" + reason + "]", c);
                    }
                })
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "decode");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        try (OneInputStreamOperatorTestHarness<RawAuditRecord, WorkloadEvent> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeFunction(DecoderConfig.defaults())), env)) {
            h.open();
            List<byte[]> aks = TestData.lines(TestData.resource("fixtures/envelopes/aks.jsonl"));
            List<byte[]> eks = TestData.lines(TestData.resource("fixtures/envelopes/eks.jsonl"));
            h.processElement(new StreamRecord<>(new RawAuditRecord("t", 1, aks.get(0)), 0));
            h.processElement(new StreamRecord<>(new RawAuditRecord("t", 2, eks.get(1)), 0));
            h.processElement(new StreamRecord<>(new RawAuditRecord("t", 3, eks.get(1)), 0));
        }
        assertThat(counters.get("eventsFiltered[aks-category]").getCount()).isEqualTo(1);
        assertThat(counters.get("eventsFiltered[resource]").getCount()).as("the AKS lease update").isEqualTo(1);
        assertThat(counters.get("eventsFiltered[eks-control-message]").getCount()).isEqualTo(2);
        assertThat(counters.get("eventsFiltered").getCount()).isEqualTo(4);
    }
}
