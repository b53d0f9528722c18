package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.fixtures.AttackChainFixture;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job (file source, decoder, scorer, correlation) in a MiniCluster at parallelism 2 over the
 * attack-chain fixture: one hour of a cluster's audit log with both stages of every request, controller
 * housekeeping and slightly out-of-order lines, event time from the events. The alerts must be exactly those
 * {@code attack-chains.expected.json} lists: a root alert and one escalation per suspicious root whose Jobs and
 * Pods spawned, naming the human actor; one orphan alert for the malicious CronJob created before the
 * capture; nothing for the benign chains, the denied create (beyond its attempt) or any spawn on its own.
 */
class AttackChainsITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static JsonNode expected;
    private static List<Alert> emitted;
    private static List<DeadLetter> deadLetters;
    private static List<ScoredEvent> late;

    @BeforeAll
    static void runTheJobOverTheFixture() throws Exception {
        expected = new ObjectMapper().readTree(TestData.resource(AttackChainFixture.EXPECTED).toFile());
        JobConfig config = Pipelines.jobConfig("input.file.paths", TestData.resource(AttackChainFixture.FIXTURE).toString());
        Pipelines.FileRun run = Pipelines.runFiles(config, "attack chains");
        emitted = run.alerts();
        deadLetters = run.deadLetters();
        late = run.lateForCorrelation();
    }

    @Test
    void escalationsAppearExactlyForSuspiciousRootsWhoseChildrenSpawnedNamingTheHuman() {
        Map<String, Alert> escalations = latestByRoot(AlertKind.ESCALATION);
        Map<String, JsonNode> wanted = expectedAlerts("escalation", "rootAuditID");
        assertThat(escalations.keySet()).isEqualTo(wanted.keySet()).hasSize(5);

        Map<String, Alert> roots = latestByRoot(AlertKind.WORKLOAD);
        wanted.forEach((rootAuditId, exp) -> {
            Alert a = escalations.get(rootAuditId);
            assertThat(a.username()).as(rootAuditId).isEqualTo(exp.get("username").asText());
            assertThat(a.name()).isEqualTo(exp.get("rootName").asText());
            assertThat(a.resource()).isEqualTo(exp.get("rootResource").asText());
            assertThat(a.count()).as(a.name()).isEqualTo(exp.get("count").asLong());
            assertThat(a.timeToFirstSpawnMillis()).as(a.name()).isEqualTo(exp.get("timeToFirstSpawnMillis").asLong());
            assertThat(a.chain().stream().filter(l -> l.resource().equals("jobs")).count()).isEqualTo(exp.get("jobs").asLong());
            assertThat(a.chain().stream().filter(l -> l.resource().equals("pods")).count()).isEqualTo(exp.get("pods").asLong());
            Alert root = roots.get(rootAuditId);
            assertThat(root).as("the root's own alert").isNotNull();
            assertThat(a.severity()).isEqualTo(root.severity().raised());
            assertThat(a.score()).isEqualTo(root.score());
            assertThat(a.signals()).isEqualTo(root.signals());
        });
        assertThat(chainNames(escalations, "log-rotate")).isEqualTo(expectedSpawnNames("A1-reverse-shell-cronjob", "root"));
    }

    @Test
    void theHourlyCronJobEscalatesFiftyMinutesAfterItsCreation() {
        Alert prune = latestByRoot(AlertKind.ESCALATION).values().stream()
                .filter(a -> a.name().equals("image-prune")).findFirst().orElseThrow();
        assertThat(prune.timeToFirstSpawnMillis()).isBetween(49 * 60_000L, 50 * 60_000L);
        assertThat(prune.username()).isEqualTo("system:serviceaccount:ci:deployer");
    }

    @Test
    void rootAlertsAreExactlyTheSuspiciousRootsAndSpawnsNeverAlertAlone() {
        assertThat(latestByRoot(AlertKind.WORKLOAD).keySet()).isEqualTo(expectedAlerts("workload", "auditID").keySet()).hasSize(5);
        Set<String> denied = expectedAlerts("attempt", "auditID").keySet();
        assertThat(latestByRoot(AlertKind.ATTEMPT).keySet()).isSubsetOf(denied);
        assertThat(emitted).extracting(Alert::kind)
                .containsOnly(AlertKind.WORKLOAD, AlertKind.ATTEMPT, AlertKind.ESCALATION, AlertKind.ORPHAN);
        Set<String> benignNamespaces = Set.of("db", "reporting", "platform");
        assertThat(emitted).noneMatch(a -> benignNamespaces.contains(a.namespace()));
    }

    @Test
    void spawnsOfAMaliciousCronJobCreatedBeforeTheCaptureRaiseOneOrphanAlert() {
        List<Alert> orphans = emitted.stream().filter(a -> a.kind() == AlertKind.ORPHAN).toList();
        assertThat(orphans).extracting(Alert::alertId).containsOnly(orphans.get(0).alertId());
        Alert last = orphans.stream().max((x, y) -> Long.compare(x.count(), y.count())).orElseThrow();
        JsonNode exp = expectedAlerts("orphan", "name").get("node-exporter-sync");
        assertThat(last.namespace()).isEqualTo(exp.get("namespace").asText());
        assertThat(last.resource()).isEqualTo("cronjobs");
        assertThat(last.count()).isEqualTo(exp.get("count").asLong());
    }

    @Test
    void nothingWasDeadLetteredOrLate() {
        assertThat(deadLetters).isEmpty();
        assertThat(late).isEmpty();
    }

    /** The last state of each alert, by the audit ID of its root (or the orphan's group name). */
    private static Map<String, Alert> latestByRoot(AlertKind kind) {
        Map<String, Alert> out = new HashMap<>();
        for (Alert a : emitted) {
            if (a.kind() == kind) {
                out.merge(a.auditId(), a, (x, y) -> x.count() >= y.count() ? x : y);
            }
        }
        return out;
    }

    private static Map<String, JsonNode> expectedAlerts(String kind, String keyField) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode chain : expected.get("chains")) {
            for (JsonNode a : chain.get("expectedAlerts")) {
                if (kind.equals(a.get("kind").asText())) {
                    out.put(a.get(keyField).asText(), a);
                }
            }
        }
        return out;
    }

    private static List<String> chainNames(Map<String, Alert> escalations, String rootName) {
        Alert a = escalations.values().stream().filter(x -> x.name().equals(rootName)).findFirst().orElseThrow();
        return a.chain().stream().map(ChainLink::name).collect(Collectors.toList());
    }

    private static List<String> expectedSpawnNames(String chainId, String root) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode chain : expected.get("chains")) {
            if (chain.get("id").asText().equals(chainId)) {
                List<JsonNode> spawns = new ArrayList<>();
                chain.get("spawns").forEach(spawns::add);
                spawns.sort((x, y) -> Long.compare(x.get("timeMillis").asLong(), y.get("timeMillis").asLong()));
                for (JsonNode s : spawns) {
                    if (s.get("root").asText().equals(root) && seen.add(s.get("name").asText())) {
                        names.add(s.get("name").asText());
                    }
                }
            }
        }
        return names;
    }
}
