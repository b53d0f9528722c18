package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.fixtures.AttackChainFixture;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, rows 9 and 10, end to end at parallelism 2: the attack-chain fixture with one CronJob create
 * dated 2099 early in the stream and eight dated 2000-01-01 before everything raises exactly the clean run's
 * alerts (no watermark jump, no timers fired early, no learning period ended), plus one undecodable alert
 * and one {@code bad-timestamp} dead letter per forged record. Wall-clock bounds are on, with the wall clock
 * fixed at the fixture's hour: the test does not depend on today's date.
 */
class TimeBoundsITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final Clock FIXTURE_HOUR = Clock.fixed(Instant.parse("2026-11-20T10:05:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path tmp;

    @Test
    void forgedEventTimesCannotMoveTheWatermarkOrTheLearningClock() throws Exception {
        List<byte[]> fixture = TestData.lines(TestData.resource(AttackChainFixture.FIXTURE));
        String cronCreate = firstCronJobCreate(fixture);
        List<byte[]> mixed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            mixed.add(forged(cronCreate, "forged-2000-" + i, "2000-01-01T00:00:0" + i + ".000000Z"));
        }
        for (int i = 0; i < fixture.size(); i++) {
            mixed.add(fixture.get(i));
            if (i == 10) {
                mixed.add(forged(cronCreate, "forged-2099", "2099-06-01T00:00:00.000000Z"));
            }
        }
        Run clean = run(write("clean.log", fixture));
        Run forged = run(write("forged.log", mixed));

        assertThat(clean.alertsBut(AlertKind.UNDECODABLE)).as("the clean fixture alerts").hasSizeGreaterThanOrEqualTo(5);
        assertThat(forged.alertsBut(AlertKind.UNDECODABLE)).as("alerts besides the forged records")
                .isEqualTo(clean.alertsBut(AlertKind.UNDECODABLE));
        assertThat(forged.alerts.stream().filter(a -> a.kind() == AlertKind.UNDECODABLE).map(Alert::auditId).distinct().sorted())
                .containsExactly("forged-2000-0", "forged-2000-1", "forged-2000-2", "forged-2000-3", "forged-2000-4",
                        "forged-2000-5", "forged-2000-6", "forged-2000-7", "forged-2099");
        assertThat(forged.deadLetters).filteredOn(d -> d.reason().equals("bad-timestamp")).hasSize(9);
    }

    private static String firstCronJobCreate(List<byte[]> lines) {
        for (byte[] l : lines) {
            String s = new String(l, StandardCharsets.UTF_8);
            if (s.contains("\"stage\":\"ResponseComplete\"") && s.contains("\"verb\":\"create\"") && s.contains("\"resource\":\"cronjobs\"")
                    && s.contains("\"requestObject\"")) {
                return s;
            }
        }
        throw new IllegalStateException("no CronJob create in the fixture");
    }

    /** The CronJob create under another audit ID and name, with every timestamp of the envelope set to {@code time}. */
    private static byte[] forged(String event, String auditId, String time) {
        String s = event.replaceFirst("\"auditID\":\"[^\"]*\"", "\"auditID\":\"" + auditId + "\"")
                .replaceAll("\"(requestReceivedTimestamp|stageTimestamp)\":\"[^\"]*\"", "\"$1\":\"" + time + "\"");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record Run(List<Alert> alerts, List<DeadLetter> deadLetters) {
        /** The last document of each alert id, but those of {@code kind} (idempotent sinks keep one per id). */
        Map<String, Alert> alertsBut(AlertKind kind) {
            Map<String, Alert> out = new TreeMap<>();
            alerts.stream().filter(a -> a.kind() != kind).forEach(a -> out.put(a.alertId(), a));
            return out;
        }
    }

    private static Path write(String name, List<byte[]> lines) throws IOException {
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] l : lines) {
                out.write(l);
                out.write('\n');
            }
        }
        return file;
    }

    private static Run run(Path file) throws Exception {
        Configuration conf = Pipelines.flinkConfig();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        JobConfig config = Pipelines.jobConfig("input.file.paths", file.toString(), "event-time.wall-clock-bounds", "on");
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(alerts, dead), config, FIXTURE_HOUR);
        env.execute("time bounds test: " + file.getFileName());
        return new Run(alerts.results(), dead.results());
    }
}
