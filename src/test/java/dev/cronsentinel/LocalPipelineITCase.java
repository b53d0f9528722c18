package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job in a MiniCluster at parallelism 2 over the bundled sample, read by the real file source:
 * the alerts are exactly the sample's suspicious workloads, the attempt and the unscored workload, each
 * once, and the broken line is dead-lettered. Event time comes from the events.
 */
class LocalPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    static List<Alert> run(JobConfig config, CollectingSink<Alert> alerts, CollectingSink<DeadLetter> dead) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(alerts, dead), config);
        env.execute("local pipeline test");
        return alerts.results();
    }

    @Test
    void sampleYieldsExactlyTheExpectedAlerts() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString());
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        List<Alert> out = run(config, alerts, dead);

        // Escalations and orphans are updated in place (same id, growing count): keep the last version of each.
        Map<String, Alert> latest = out.stream().collect(Collectors.toMap(Alert::alertId, a -> a,
                (a, b) -> a.count() >= b.count() ? a : b));
        assertThat(latest.values()).extracting(a -> a.kind() + " " + a.name()).containsExactlyInAnyOrder(
                "workload metrics-sync",
                "workload node-debug",
                "workload registry-cleanup",
                "workload cache-warmer",
                "workload hostnet-probe",
                "attempt miner",
                "unscored ledger-export",
                "escalation metrics-sync",
                "orphan node-exporter-sync");
        assertThat(out).filteredOn(a -> a.kind() != AlertKind.ESCALATION && a.kind() != AlertKind.ORPHAN)
                .extracting(Alert::alertId).doesNotHaveDuplicates();
        Alert escalation = latest.values().stream().filter(a -> a.kind() == AlertKind.ESCALATION).findFirst().orElseThrow();
        assertThat(escalation.username()).as("the human at the root, not the controller").isEqualTo("system:serviceaccount:ci:deployer");
        assertThat(escalation.chain()).extracting(c -> c.resource()).containsExactly("jobs", "pods");
        assertThat(escalation.timeToFirstSpawnMillis()).isEqualTo(java.time.Duration.parse("PT8M20S").toMillis());
        assertThat(out).allSatisfy(a -> {
            assertThat(a.techniqueId()).isEqualTo("T1053.007");
            assertThat(a.tactics()).containsExactly("Execution", "Persistence", "Privilege Escalation");
            assertThat(a.timestamp()).startsWith("2026-11-20T09:");
        });
        Alert reverseShell = out.stream().filter(a -> a.name().equals("metrics-sync")).findFirst().orElseThrow();
        assertThat(reverseShell.username()).isEqualTo("system:serviceaccount:ci:deployer");
        assertThat(reverseShell.userAgent()).isEqualTo("python-requests/2.31.0");
        assertThat(reverseShell.sourceIp()).isEqualTo("198.51.100.23");

        assertThat(dead.results()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("malformed-json");
            assertThat(d.origin()).endsWith("samples/audit.log");
            assertThat(d.position()).isEqualTo(34);
        });
    }

    @Test
    void replayingTheSameInputYieldsTheSameAlertIds() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString());
        List<String> first = run(config, new CollectingSink<>(), new CollectingSink<>()).stream().map(Alert::alertId).distinct().sorted().toList();
        List<String> second = run(config, new CollectingSink<>(), new CollectingSink<>()).stream().map(Alert::alertId).distinct().sorted().toList();
        assertThat(second).isEqualTo(first).hasSize(9);
    }
}
