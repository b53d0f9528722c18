package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.context.ContextSignals;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up path end to end, in a MiniCluster: {@link WarmupJob} over archived audit files (one plain, one
 * gzipped) writes a savepoint; the streaming job started from it already knows the baseline (the profiles,
 * the coverage start and the habitual spreads), so on its first day nothing is learning and only what is
 * new is signalled. The same day without the savepoint is all learning, which shows the baseline came from
 * the savepoint and from nowhere else.
 */
class WarmupITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final String GITOPS = "system:serviceaccount:argocd:argocd-application-controller";
    static final String GITOPS_UA = "argocd-application-controller/v2.12.3 (linux/amd64)";
    static final String APPSET = "system:serviceaccount:argocd:applicationset-controller";

    @TempDir
    Path tmp;

    static AuditEvents gitops(int day) {
        return AuditEvents.cronJob("reports", "nightly-report").id(String.format("gitops-%02d", day)).at(T0.plus(Duration.ofDays(day)))
                .by(GITOPS).agent(GITOPS_UA).from("10.42.1.15").images("registry.example.com/reports/nightly:1." + day);
    }

    /** A controller that creates the same CronJob in three team namespaces within two minutes, every day. */
    static List<String> appsetSpread(int day) {
        List<String> out = new ArrayList<>();
        String[] teams = {"team-a", "team-b", "team-c"};
        for (int i = 0; i < teams.length; i++) {
            out.add(AuditEvents.cronJob(teams[i], "cleanup").id(String.format("appset-%02d-%d", day, i))
                    .at(T0.plus(Duration.ofDays(day)).plusSeconds(1800 + 60L * i)).by(APPSET).agent(GITOPS_UA).from("10.42.1.16")
                    .images("registry.example.com/platform/cleanup:2").json());
        }
        return out;
    }

    /** Fifteen days of history: days 0-7 in a plain file, days 8-14 gzipped, as an archive would hold them. */
    Path archive() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archive"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (int day = 0; day < 15; day++) {
            List<String> target = day < 8 ? first : second;
            target.add(gitops(day).json());
            target.addAll(appsetSpread(day));
        }
        Files.write(dir.resolve("audit-2026-11-01.log"), first, StandardCharsets.UTF_8);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("audit-2026-11-08.log.gz")))) {
            out.write((String.join("\n", second) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }

    /** Day 15, live: a routine repeat, the stolen token, the habitual spread, and a newcomer. */
    Path today() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(gitops(15).json());
        lines.addAll(appsetSpread(15));
        lines.add(gitops(15).id("stolen-token").at(T0.plus(Duration.ofDays(15)).plusSeconds(7200)).agent("python-requests/2.31.0")
                .from("198.51.100.23").images("ghcr.io/attacker/sync:1.0").json());
        lines.add(AuditEvents.cronJob("reports", "exfil").id("newcomer").at(T0.plus(Duration.ofDays(15)).plusSeconds(7300))
                .by("system:serviceaccount:reports:default").agent("kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46").json());
        Path file = tmp.resolve("live.log");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    Map<String, ScoredEvent> runStreaming(Path input, String savepoint) throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", input.toString());
        Configuration flink = Pipelines.flinkConfig();
        flink.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        CollectingSink<ScoredEvent> scored = new CollectingSink<>();
        Topology.build(env, CronSentinelJob.source(env, config), new Topology.Sinks(new CollectingSink<Alert>(), new CollectingSink<DeadLetter>()), config)
                .scored().sinkTo(scored).uid("test-scored-events").name("scored events (test)");
        env.execute("streaming after warm-up");
        return scored.results().stream().collect(Collectors.toMap(s -> s.event().auditId(), Function.identity()));
    }

    static List<Signal> context(ScoredEvent s) {
        return s.signals().stream().filter(x -> ContextSignals.isContext(x.id())).toList();
    }

    @Test
    void theStreamingJobStartsFromTheWarmUpSavepointWithTheBaselineInPlace() throws Exception {
        String savepoint = tmp.resolve("baseline").toUri().toString();
        JobConfig warmupConfig = Pipelines.jobConfig("input.file.paths", archive().toString());
        // As on the cluster (conf/flink/config.yaml): no generated uids.
        Configuration warmupFlink = Pipelines.flinkConfig();
        warmupFlink.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(warmupFlink);
        env.setParallelism(2);
        WarmupJob.build(env, warmupConfig, savepoint, WarmupJob.DEFAULT_MAX_PARALLELISM);
        env.execute("warm-up");
        assertThat(tmp.resolve("baseline").resolve("_metadata")).isRegularFile();

        Path live = today();
        Map<String, ScoredEvent> warm = runStreaming(live, savepoint);
        assertThat(warm).hasSize(6);
        assertThat(context(warm.get("gitops-15"))).as("a routine repeat").isEmpty();
        for (int i = 0; i < 3; i++) {
            assertThat(context(warm.get("appset-15-" + i))).as("a habitual spread, nothing learning").isEmpty();
        }
        assertThat(context(warm.get("stolen-token"))).extracting(Signal::rule).containsExactlyInAnyOrder(
                ContextSignals.RULE_SCRIPTED_CLIENT, ContextSignals.NEW_SOURCE_NETWORK, ContextSignals.NEW_IMAGE_REPOSITORY);
        assertThat(warm.get("stolen-token").alertable()).isTrue();
        assertThat(context(warm.get("newcomer"))).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(ContextSignals.FIRST_SEEN);
            assertThat(s.weight()).isEqualTo(20);
        });

        // The same day on a cold start: everything is learning, nothing weighs.
        Map<String, ScoredEvent> cold = runStreaming(live, null);
        assertThat(cold).hasSize(6);
        assertThat(context(cold.get("gitops-15"))).extracting(Signal::rule).containsExactly("first-seen:learning");
        // The spread stage judges creates in event-time order, so the third namespace in time carries it.
        assertThat(context(cold.get("appset-15-2"))).extracting(Signal::rule)
                .containsExactlyInAnyOrder("first-seen:learning", "cross-namespace-spread:learning");
        assertThat(context(cold.get("appset-15-1"))).extracting(Signal::rule).containsExactly("first-seen:learning");
        assertThat(cold.values()).allSatisfy(s -> assertThat(context(s)).allSatisfy(x -> assertThat(x.weight()).isZero()));
        assertThat(cold.get("stolen-token").alertable()).isFalse();
    }

    @Test
    void theCommandLineRejectsAMissingSavepointAndABadMaxParallelism() {
        List<String> args = new ArrayList<>(List.of("--config", "conf/cronsentinel.yaml", "--savepoint=file:///x", "--max-parallelism", "64"));
        assertThat(WarmupJob.take(args, "savepoint")).isEqualTo("file:///x");
        assertThat(WarmupJob.take(args, "max-parallelism")).isEqualTo("64");
        assertThat(args).containsExactly("--config", "conf/cronsentinel.yaml");
        assertThat(WarmupJob.take(args, "savepoint")).isNull();
        assertThatThrownBy(() -> WarmupJob.parseMaxParallelism("0"))
                .hasMessageContaining("--max-parallelism");
        assertThat(WarmupJob.parseMaxParallelism(null)).isEqualTo(128);
    }
}
