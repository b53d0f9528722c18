package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.fixtures.AttackChainFixture;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.correlate.LateEventDeadLetters;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.HostileInputs;
import dev.cronsentinel.testing.HostileInputs.Seed;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job in a MiniCluster at parallelism 2, through the real file source, over the attack-chain
 * fixture with hostile records mixed in: an {@code objectRef} that is a string, a {@code command} that is a
 * number, 10,000-deep nesting, a 10 MB {@code requestObject}, a 20 MB line, invalid UTF-8, a wide-array bomb,
 * duplicate keys, a top-level array, an empty line, truncations, a 200-digit number, a bad batch, a bad
 * envelope, and two amplification bombs that decode (JSON Patch padding, env expansion).
 *
 * <p>Restarts are disabled and a failed checkpoint fails the job, so any exception anywhere fails the test.
 * The alerts must be exactly those of a clean run of the fixture (same ids), every hostile record that is not
 * an event must arrive dead-lettered at its line with the expected reason, and no fixture line may.
 */
class HostileStreamITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A hostile record is inserted after every this many fixture lines. */
    private static final int EVERY = 20;

    @TempDir
    static Path tmp;

    private static List<byte[]> fixture;
    private static List<HostileLine> hostile;

    /** One hostile record, and the dead-letter reasons it must produce (none: it decodes, and must not alert). */
    record HostileLine(String name, byte[] bytes, List<String> reasons) {}

    @BeforeAll
    static void build() {
        fixture = TestData.lines(TestData.resource(AttackChainFixture.FIXTURE));
        hostile = hostileLines(fixture);
    }

    @Test
    void hostileRecordsAreDeadLetteredAndTheAlertsAreThoseOfTheCleanFixture() throws Exception {
        Path clean = tmp.resolve("clean.log");
        write(clean, fixture, List.of());
        Path mixed = tmp.resolve("mixed.log");
        Map<Long, HostileLine> hostileAt = write(mixed, fixture, hostile);

        Run cleanRun = run(clean);
        Run mixedRun = run(mixed);

        assertThat(cleanRun.deadLetters).as("the clean fixture has no dead letters").isEmpty();
        assertThat(cleanRun.alertIds(true)).as("the clean fixture raises alerts").hasSizeGreaterThanOrEqualTo(5);
        // Hostile relevant writes raise undecodable alerts (issue 16); every other alert is the clean run's.
        assertThat(mixedRun.alertIds(false)).as("alerts of the mixed stream").isEqualTo(cleanRun.alertIds(false));
        assertThat(mixedRun.latestById(false)).as("alert documents of the mixed stream").isEqualTo(cleanRun.latestById(false));
        assertThat(cleanRun.alertIds(true)).isEqualTo(cleanRun.alertIds(false));
        assertThat(mixedRun.alerts.stream().filter(a -> a.kind() == AlertKind.UNDECODABLE).map(a -> a.signals().get(0).rule()).distinct())
                .as("undecodable alerts of the hostile relevant writes")
                .contains("limit-exceeded", "oversized", "malformed-json", "duplicate-key", "bad-timestamp",
                        "json-patch-over-budget");

        // Events that reached correlation late are dead letters too now (never to nowhere), but not the hostile lines'.
        Map<Long, List<DeadLetter>> byLine = mixedRun.deadLetters.stream()
                .filter(d -> !d.reason().equals(LateEventDeadLetters.REASON))
                .collect(Collectors.groupingBy(DeadLetter::position));
        assertThat(byLine.keySet()).as("lines that were dead-lettered")
                .containsExactlyInAnyOrderElementsOf(hostileAt.entrySet().stream()
                        .filter(e -> !e.getValue().reasons().isEmpty()).map(Map.Entry::getKey).toList());
        hostileAt.forEach((line, h) -> {
            List<DeadLetter> got = byLine.getOrDefault(line, List.of());
            assertThat(got).extracting(DeadLetter::reason).as(h.name()).containsExactlyElementsOf(h.reasons());
            for (DeadLetter d : got) {
                assertThat(d.origin()).endsWith("mixed.log");
                assertThat(d.detail()).as(h.name()).isNotBlank();
                assertThat(d.payload().length).as(h.name()).isLessThanOrEqualTo(64 * 1024).isLessThanOrEqualTo(d.payloadLength());
            }
        });
        DeadLetter twentyMb = byLine.get(lineOf(hostileAt, "20 MB line")).get(0);
        assertThat(twentyMb.payloadLength()).isEqualTo(20 << 20);
        assertThat(twentyMb.payload()).hasSize(64 * 1024);
    }

    // ------------------------------------------------------------------------------------------ running

    private record Run(List<Alert> alerts, List<DeadLetter> deadLetters) {
        /**
         * The distinct alert ids. An escalation and a grouped finding are re-sent under their id as they grow, and
         * how often depends on how watermarks and records interleave, not on the input; idempotent sinks keep one
         * document per id, so the ids and the last document of each (below) are what a run is judged by.
         */
        List<String> alertIds(boolean withUndecodable) {
            return alerts.stream().filter(a -> withUndecodable || a.kind() != AlertKind.UNDECODABLE)
                    .map(Alert::alertId).distinct().sorted().toList();
        }

        /** The last document of each id, as an idempotent sink holds it (one id is emitted by one subtask, in order). */
        Map<String, Alert> latestById(boolean withUndecodable) {
            Map<String, Alert> out = new TreeMap<>();
            alerts.stream().filter(a -> withUndecodable || a.kind() != AlertKind.UNDECODABLE).forEach(a -> out.put(a.alertId(), a));
            return out;
        }
    }

    private static Run run(Path file) throws Exception {
        Configuration conf = Pipelines.flinkConfig();
        // Any exception fails the job instead of restarting it, and so fails the test.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        JobConfig config = Pipelines.jobConfig("input.file.paths", file.toString());
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(alerts, dead), config);
        env.execute("hostile stream test: " + file.getFileName());
        return new Run(alerts.results(), dead.results());
    }

    /** Writes the fixture with a hostile record after every {@link #EVERY} lines; returns them by line number. */
    private static Map<Long, HostileLine> write(Path file, List<byte[]> lines, List<HostileLine> extra) throws IOException {
        Map<Long, HostileLine> at = new HashMap<>();
        long lineNo = 0;
        int next = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < lines.size(); i++) {
                out.write(lines.get(i));
                out.write('\n');
                lineNo++;
                if ((i + 1) % EVERY == 0 && next < extra.size()) {
                    HostileLine h = extra.get(next++);
                    assertThat(h.bytes()).as(h.name()).doesNotContain((byte) '\n');
                    out.write(h.bytes());
                    out.write('\n');
                    at.put(++lineNo, h);
                }
            }
        }
        assertThat(next).as("every hostile record was placed").isEqualTo(extra.size());
        return at;
    }

    private static long lineOf(Map<Long, HostileLine> at, String name) {
        return at.entrySet().stream().filter(e -> e.getValue().name().equals(name)).findFirst().orElseThrow().getKey();
    }

    // ------------------------------------------------------------------------------------------ the hostile records

    private static List<HostileLine> hostileLines(List<byte[]> fixture) {
        Seed cron = HostileInputs.seed("cronjob", firstCompleted(fixture, "cronjobs", true));
        Seed job = HostileInputs.seed("job", firstCompleted(fixture, "jobs", true));
        String podSpec = "/requestObject/spec/jobTemplate/spec/template/spec";
        List<HostileLine> out = new ArrayList<>();
        out.add(line("objectRef is a string", HostileInputs.replaceAt(cron, "/objectRef", "\"cronjobs\""), "wrong-type"));
        // The stored object (responseObject) is what is scored: a broken request beside it costs nothing, and the
        // event is the fixture's own again (same audit ID and request fingerprint: deduped).
        out.add(line("command is a number", HostileInputs.replaceAt(cron, podSpec + "/containers/0/command", "42")));
        out.add(line("10,000-deep arrays", HostileInputs.replaceAt(cron, "/requestObject/metadata",
                "[".repeat(10_000) + "]".repeat(10_000)), "limit-exceeded"));
        out.add(line("10 MB requestObject", HostileInputs.replaceAt(cron, "/requestObject/metadata",
                "{\"x\":\"" + "A".repeat(10 << 20) + "\"}"), "oversized"));
        byte[] twenty = new byte[20 << 20];
        Arrays.fill(twenty, (byte) 'B');
        byte[] head = cron.raw();
        System.arraycopy(head, 0, twenty, 0, head.length - 1);
        out.add(new HostileLine("20 MB line", twenty, List.of("oversized")));
        byte[] utf8 = cron.raw().clone();
        int quote = indexOf(utf8, "\"name\":\"") + 8;
        utf8[quote] = (byte) 0xC3;
        utf8[quote + 1] = 0x28;
        out.add(line("invalid UTF-8", utf8, "malformed-json"));
        out.add(line("wide-array bomb", HostileInputs.replaceAt(cron, "/requestObject/spec",
                HostileInputs.valueText(HostileInputs.Value.WIDE_ARRAY, 400_000))));
        // A duplicate in the envelope (the API server's part) fails; one in a body is read as Go reads it.
        out.add(line("duplicate key", HostileInputs.replaceAt(cron, "/objectRef/name",
                "\"a\",\"name\":\"b\""), "duplicate-key"));
        out.add(line("top-level array", HostileInputs.concat(HostileInputs.bytes("["), cron.raw(), HostileInputs.bytes("]")), "malformed-json"));
        out.add(line("empty line", new byte[0], "empty-record"));
        out.add(line("truncated", Arrays.copyOf(cron.raw(), cron.raw().length / 2), "malformed-json"));
        out.add(line("bad timestamp", HostileInputs.replaceAt(job, "/stageTimestamp", "\"yesterday\""), "bad-timestamp"));
        out.add(line("1001-digit number", HostileInputs.replaceAt(job, "/responseStatus/code", "9".repeat(1001)), "limit-exceeded"));
        out.add(line("not an audit event", HostileInputs.bytes("{\"hello\":\"world\"}"), "not-an-audit-event"));
        out.add(line("batch of a deep item and a duplicate-key item", HostileInputs.eventList(List.of(
                HostileInputs.replaceAt(job, "/sourceIPs", "[" + "{\"a\":".repeat(100) + "{}" + "}".repeat(100) + "]"),
                HostileInputs.replaceAt(job, "/verb", "\"create\",\"verb\":\"create\"")), true),
                "limit-exceeded", "duplicate-key"));
        out.add(line("envelope of a truncated event",
                HostileInputs.aksEnvelope(Arrays.copyOf(cron.raw(), 300), true), "malformed-json"));
        // These decode: they must cost bounded memory and raise no workload alert (the padding bomb's ops past the
        // rebuild's budget raise an undecodable finding, json-patch-over-budget, instead of being skipped in silence).
        out.add(new HostileLine("JSON Patch padding bomb", withTime(HostileInputs.bomb(HostileInputs.Bomb.JSON_PATCH_PADDING, 15_000)), List.of()));
        out.add(new HostileLine("env expansion bomb", withTime(HostileInputs.bomb(HostileInputs.Bomb.ENV_EXPANSION, 100_000)), List.of()));
        return out;
    }

    private static HostileLine line(String name, byte[] bytes, String... reasons) {
        assertThat(bytes).as(name).isNotNull();
        return new HostileLine(name, bytes, List.of(reasons));
    }

    /** The bombs' timestamp, moved into the fixture's hour so that they do not move the watermark. */
    private static byte[] withTime(byte[] bomb) {
        String s = new String(bomb, StandardCharsets.UTF_8).replace("2026-11-20T10:00:00.000000Z", "2026-11-20T09:30:00.000000Z");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The first ResponseComplete create of the resource with a request body (and a command, if asked). */
    private static byte[] firstCompleted(List<byte[]> lines, String resource, boolean withBody) {
        for (byte[] l : lines) {
            try {
                JsonNode e = MAPPER.readTree(l);
                if ("ResponseComplete".equals(e.path("stage").asText()) && "create".equals(e.path("verb").asText())
                        && resource.equals(e.at("/objectRef/resource").asText()) && (!withBody || e.has("requestObject"))
                        && (!resource.equals("cronjobs") || !e.at("/requestObject/spec/jobTemplate/spec/template/spec/containers/0/command").isMissingNode())) {
                    return l;
                }
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
        throw new IllegalStateException("no " + resource + " create in the fixture");
    }

    private static int indexOf(byte[] b, String ascii) {
        byte[] n = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= b.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (b[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException(ascii + " not found");
    }
}
