package dev.cronsentinel.hunt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.CronSentinelJob;
import dev.cronsentinel.Topology;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.sink.AlertJson;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hunt over a directory holding a {@code .gz} archive of the attack chains, an {@code EventList} line of the
 * scoring attacks and a broken line, at parallelism 2: its {@code alerts.jsonl} is exactly the final alert set
 * of the normal job over the same directory, {@code summary.json} counts what that run produced, and the
 * progress it printed counted every byte up to 100%.
 */
class HuntITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    @TempDir
    static Path dir;
    static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = Files.createDirectories(dir.resolve("evidence"));
        Path fixtures = TestData.projectRoot().resolve("src/test/resources/fixtures");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input.resolve("attack-chains.jsonl.gz")))) {
            gz.write(Files.readAllBytes(fixtures.resolve("chains/attack-chains.jsonl")));
        }
        List<String> events = Files.readAllLines(fixtures.resolve("score/attacks.jsonl")).stream()
                .filter(l -> !l.isBlank()).toList();
        Files.writeString(input.resolve("eventlist.log"),
                "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[" + String.join(",", events) + "]}\n");
        Files.writeString(input.resolve("broken.log"), "{\"kind\":\"Event\",\"verb\":\"create\" <- cut here\n");
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        return env;
    }

    @Test
    void reportEqualsTheNormalRunsFinalAlerts() throws Exception {
        // The normal run: the production source and topology over the same directory, every alert version kept.
        JobConfig config = Pipelines.jobConfig("input.file.paths", input.toString());
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        StreamExecutionEnvironment normal = env();
        Topology.build(normal, CronSentinelJob.source(normal, config), new Topology.Sinks(alerts, dead), config);
        normal.execute("normal run");
        Map<String, Alert> finals = alerts.results().stream()
                .collect(Collectors.toMap(Alert::alertId, a -> a, (a, b) -> b.count() >= a.count() ? b : a));
        assertThat(alerts.results()).as("some alert was updated in place").hasSizeGreaterThan(finals.size());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path report = dir.resolve("report");
        HuntMain.Options options = HuntMain.parse(new String[] {input.toString(), "--report", report.toString(),
                "--config=" + TestData.projectRoot().resolve("conf/cronsentinel.yaml"), "--event-time.wall-clock-bounds=off"});
        HuntMain.Result result = HuntMain.run(options, env(), new PrintStream(err, true, StandardCharsets.UTF_8), false,
                Duration.ofMillis(100));
        HuntReport.write(report, result);

        List<String> reported = Files.readAllLines(report.resolve("alerts.jsonl"));
        assertThat(reported).containsExactlyInAnyOrderElementsOf(finals.values().stream().map(AlertJson::toJson).toList());

        JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertThat(summary.get("alerts").asInt()).isEqualTo(finals.size());
        Map<String, Long> byKind = finals.values().stream()
                .collect(Collectors.groupingBy(a -> a.kind().name().toLowerCase(java.util.Locale.ROOT), Collectors.counting()));
        byKind.forEach((kind, n) -> assertThat(summary.get("byKind").get(kind).asLong()).as(kind).isEqualTo(n));
        long escalations = byKind.getOrDefault("escalation", 0L);
        assertThat(escalations).isPositive();
        assertThat(summary.get("escalations").size()).isEqualTo(escalations);
        assertThat(summary.get("deadLetters").asLong()).isEqualTo(dead.results().size()).isPositive();
        Map<String, Long> reasons = dead.results().stream().collect(Collectors.groupingBy(DeadLetter::reason, Collectors.counting()));
        reasons.forEach((reason, n) -> assertThat(summary.get("deadLettersByReason").get(reason).asLong()).isEqualTo(n));
        assertThat(reasons).containsKey("malformed-json");
        long lines = 382 + 1 + 1;
        assertThat(summary.get("records").asLong()).isEqualTo(lines);
        assertThat(summary.get("files").asInt()).isEqualTo(3);

        List<String> progress = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(progress).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("hunt: ").doesNotContain("\r"));
        long total = Files.size(input.resolve("eventlist.log")) + Files.size(input.resolve("broken.log"))
                + Files.size(TestData.projectRoot().resolve("src/test/resources/fixtures/chains/attack-chains.jsonl"));
        assertThat(progress.get(progress.size() - 1)).startsWith("hunt: 100.0% ").contains("files 3/3")
                .contains(HuntProgress.bytes(total) + "/" + HuntProgress.bytes(total)).endsWith("done");
        assertThat(Files.readString(report.resolve("report.html"))).contains("id=\"alert-table\"").contains("class=\"timeline\"");
    }

    @Test
    void sinceAndUntilKeepTheAlertsWhoseEventTimeMeetsTheWindow() {
        Alert a = dev.cronsentinel.testing.SampleAlerts.workload(1);
        assertThat(HuntSummary.inWindow(a, a.firstSeen(), a.firstSeen() + 1)).isTrue();
        assertThat(HuntSummary.inWindow(a, a.lastSeen() + 1, null)).isFalse();
        assertThat(HuntSummary.inWindow(a, null, a.firstSeen())).isFalse();
        assertThat(HuntMain.instant("--since", "2026-11-20")).isEqualTo(java.time.Instant.parse("2026-11-20T00:00:00Z").toEpochMilli());
    }
}
