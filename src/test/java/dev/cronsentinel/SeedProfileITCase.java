package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.compat.SeedQueryProfile;
import dev.cronsentinel.compat.SeedRowJson;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job's {@code splunk} and {@code sumo} profiles, run end to end in a MiniCluster (parallelism 2, real
 * file source) over the 600-event parity corpus, return row for row what the published queries return
 * ({@code shared/data/parity/<profile>.jsonl}, produced by the oracle).
 */
class SeedProfileITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"splunk", "sumo"})
    void jobReturnsExactlyTheOracleRows(String profile) throws Exception {
        Path parity = TestData.shared().resolve("data/parity");
        JobConfig config = Pipelines.jobConfig("detection.profile", profile, "input.file.paths", parity.resolve("corpus.jsonl").toString());
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(alerts, dead), config);
        env.execute("seed profile " + profile);

        SeedQueryProfile p = SeedQueryProfile.load(config.rulesFile());
        List<JsonNode> actual = new ArrayList<>();
        for (Alert a : alerts.results()) {
            assertThat(a.kind()).isEqualTo(AlertKind.COMPAT);
            assertThat(a.profile()).isEqualTo(profile);
            actual.add(JSON.readTree(SeedRowJson.toJson(a.compat(), p.flagNames())));
        }
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(parity.resolve(profile + ".jsonl"))) {
            if (!line.isBlank()) {
                expected.add(JSON.readTree(line));
            }
        }
        assertThat(actual).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(alerts.results()).extracting(Alert::alertId).doesNotHaveDuplicates();
        assertThat(dead.results()).isEmpty();
    }
}
