package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job in a MiniCluster at parallelism 2 over {@code fixtures/lifecycle/lifecycle-chains.jsonl}: two
 * days of a cluster's audit log (ResponseComplete lines; workloads at RequestResponse, deletes at Metadata, as
 * common audit policies log them; controller shapes as in {@code shared/docs/k8s-audit-facts.md}) in which
 * CronJobs live past their create, each with a benign twin:
 * <ul>
 *   <li>{@code ops/cache-warmer}: created suspended by mallory, resumed six hours later by eve, then run; its twin
 *       {@code reporting/report-export} is suspended and resumed by its owner before its schedule, benign;</li>
 *   <li>{@code ops/node-probe}: created by mallory with {@code successfulJobsHistoryLimit: 0}, run once and
 *       deleted four minutes later; its twins {@code ops/log-shipper} (deleted 80 minutes after its create) and
 *       {@code reporting/tmp-cleanup} (benign, deleted two days later);</li>
 *   <li>deletes of Pods by the kubelet and of an old Job by the CronJob controller, which are dropped.</li>
 * </ul>
 * A template replaced before the first run (issue 19 item 4) is covered by {@code CronJobLifecycleTest} only: in
 * a replay at parallelism 2 the controller's Job and the user's update take different paths through the context
 * stage, and the Job can reach correlation first (docs/CORRELATION.md, "Limits").
 */
class LifecycleChainsITCase {
    static final String FIXTURE = "fixtures/lifecycle/lifecycle-chains.jsonl";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static List<Alert> emitted;
    private static List<DeadLetter> deadLetters;
    private static List<ScoredEvent> late;

    @BeforeAll
    static void runTheJobOverTheFixture() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", TestData.resource(FIXTURE).toString());
        Pipelines.FileRun run = Pipelines.runFiles(config, "lifecycle chains");
        emitted = run.alerts();
        deadLetters = run.deadLetters();
        late = run.lateForCorrelation();
    }

    @Test
    void escalationsAreRaisedExactlyForTheSuspiciousChainsThatRan() {
        assertThat(latestEscalations().keySet()).containsExactlyInAnyOrder("cache-warmer", "node-probe", "log-shipper");
        assertThat(emitted).extracting(Alert::kind).doesNotContain(AlertKind.ORPHAN);
        assertThat(emitted).as("the benign twins raise nothing").noneMatch(a -> a.namespace().equals("reporting"));
    }

    @Test
    void theRunOfACronJobResumedHoursAfterItsCreateEscalatesUnderItsCreatorWithTheResumeInTheChain() {
        Alert a = latestEscalations().get("cache-warmer");
        Alert root = rootAlert("cache-warmer");
        assertThat(a.username()).isEqualTo("mallory@example.com");
        assertThat(a.auditId()).isEqualTo(root.auditId());
        assertThat(a.count()).isEqualTo(2);
        ChainLink resume = a.chain().stream().filter(l -> ChainLink.RESUME.equals(l.verb())).findFirst().orElseThrow();
        assertThat(resume.username()).isEqualTo("eve@example.com");
        assertThat(resume.time()).isEqualTo(java.time.Instant.parse("2026-11-21T15:03:00Z").toEpochMilli());
        assertThat(a.signals()).extracting(Signal::id).contains("resumed-by-other");
        assertThat(a.score()).isEqualTo(root.score() + 20);
    }

    @Test
    void aCronJobDeletedMinutesAfterItsOnlyRunUpdatesItsEscalationUnderTheSameIdWithAHitAndRun() {
        List<Alert> probe = escalations("node-probe");
        assertThat(probe).extracting(Alert::alertId).containsOnly(probe.get(0).alertId());
        Alert last = latestEscalations().get("node-probe");
        assertThat(last.signals()).filteredOn(s -> s.id().equals("hit-and-run"))
                .singleElement().satisfies(s -> {
                    assertThat(s.rule()).isEqualTo("deleted-after-spawn-no-history");
                    assertThat(s.weight()).isEqualTo(40);
                });
        assertThat(last.chain()).extracting(ChainLink::verb).containsExactly(null, null, ChainLink.DELETE);
        assertThat(last.chain().get(2).username()).isEqualTo("mallory@example.com");
        assertThat(last.score()).isEqualTo(rootAlert("node-probe").score() + 40);
        assertThat(latestEscalations().get("log-shipper").signals()).extracting(Signal::id).doesNotContain("hit-and-run");
    }

    @Test
    void nothingWasDeadLetteredOrLateAndTheDeletesOfOthersWereNotRead() {
        assertThat(deadLetters).isEmpty();
        assertThat(late).isEmpty();
        Set<String> alerted = emitted.stream().map(Alert::name).collect(Collectors.toSet());
        assertThat(alerted).doesNotContain("report-export-x", "report-export-old");
    }

    private static Map<String, Alert> latestEscalations() {
        Map<String, Alert> out = new HashMap<>();
        for (Alert a : emitted) {
            if (a.kind() == AlertKind.ESCALATION) {
                out.merge(a.name(), a, (x, y) -> x.count() != y.count() ? (x.count() > y.count() ? x : y)
                        : (x.score() >= y.score() ? x : y));
            }
        }
        return out;
    }

    private static List<Alert> escalations(String name) {
        return emitted.stream().filter(a -> a.kind() == AlertKind.ESCALATION && a.name().equals(name)).toList();
    }

    private static Alert rootAlert(String name) {
        return emitted.stream().filter(a -> a.kind() == AlertKind.WORKLOAD && a.name().equals(name)
                && "create".equals(a.verb())).findFirst().orElseThrow();
    }
}
