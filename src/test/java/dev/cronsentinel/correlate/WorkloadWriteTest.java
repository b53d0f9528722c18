package dev.cronsentinel.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a scored workload write is keyed for the RBAC sequences, over the CronJobs of {@code fixtures/rbac/grant-sequences.jsonl}. */
class WorkloadWriteTest {

    private static ScoredEvent scored(String cronJob, EventRole role) {
        for (byte[] line : TestData.lines(TestData.resource("fixtures/rbac/grant-sequences.jsonl"))) {
            String text = new String(line, StandardCharsets.UTF_8);
            if (text.contains("\"name\":\"" + cronJob + "\"") && text.contains("\"resource\":\"cronjobs\"")) {
                WorkloadEvent e = TestData.decode(text).events.get(0).afterScoring();
                return new ScoredEvent(e, role, List.of(), 0, Severity.INFO, false, null, "v1");
            }
        }
        throw new AssertionError(cronJob);
    }

    @Test
    void aWriteIsKeyedByItsActorAndByTheServiceAccountItsTemplateRunsUnderAfterScoring() {
        List<WorkloadWrite> writes = WorkloadWrite.of(scored("db-vacuum", EventRole.WORKLOAD));
        assertThat(writes).extracting(WorkloadWrite::key, WorkloadWrite::form).containsExactly(
                org.assertj.core.groups.Tuple.tuple("bob@example.com", WorkloadWrite.SAME_ACTOR),
                org.assertj.core.groups.Tuple.tuple("system:serviceaccount:ops:ci-runner", WorkloadWrite.SERVICE_ACCOUNT));
    }

    @Test
    void aTemplateNamingNoServiceAccountRunsAsDefault() {
        assertThat(WorkloadWrite.of(scored("weekly-report", EventRole.WORKLOAD))).extracting(WorkloadWrite::key)
                .containsExactly("carol@example.com", "system:serviceaccount:team-b:default");
    }

    @Test
    void onlyAcceptedWritesByNonControllersCrossTheExchange() {
        assertThat(WorkloadWrite.relevant(scored("db-vacuum", EventRole.WORKLOAD))).isTrue();
        assertThat(WorkloadWrite.relevant(scored("db-vacuum", EventRole.SPAWN))).isFalse();
        assertThat(WorkloadWrite.relevant(scored("db-vacuum", EventRole.ATTEMPT))).isFalse();
        assertThat(WorkloadWrite.relevant(scored("db-vacuum", EventRole.DELETE))).isFalse();
    }
}
