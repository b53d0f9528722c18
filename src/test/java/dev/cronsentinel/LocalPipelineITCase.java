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

        Map<String, AlertKind> byName = out.stream().collect(Collectors.toMap(Alert::name, Alert::kind));
        assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of(
                "metrics-sync", AlertKind.WORKLOAD,
                "node-debug", AlertKind.WORKLOAD,
                "registry-cleanup", AlertKind.WORKLOAD,
                "cache-warmer", AlertKind.WORKLOAD,
                "hostnet-probe", AlertKind.WORKLOAD,
                "miner", AlertKind.ATTEMPT,
                "ledger-export", AlertKind.UNSCORED));
        assertThat(out).extracting(Alert::alertId).doesNotHaveDuplicates();
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
            assertThat(d.position()).isEqualTo(26);
        });
    }

    @Test
    void replayingTheSameInputYieldsTheSameAlertIds() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", Pipelines.sample().toString());
        List<String> first = run(config, new CollectingSink<>(), new CollectingSink<>()).stream().map(Alert::alertId).sorted().toList();
        List<String> second = run(config, new CollectingSink<>(), new CollectingSink<>()).stream().map(Alert::alertId).sorted().toList();
        assertThat(second).isEqualTo(first).hasSize(7);
    }
}
