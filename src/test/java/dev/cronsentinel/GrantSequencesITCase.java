package dev.cronsentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.JobConfig;
import dev.cronsentinel.correlate.GrantSequenceFunction;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.testing.Pipelines;
import dev.cronsentinel.testing.TestData;
import java.time.Instant;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job in a MiniCluster at parallelism 2 over {@code fixtures/rbac/grant-sequences.jsonl} (issue 19 item 2):
 * one day of RBAC binding writes and CronJob creates (RequestResponse level, ResponseComplete lines):
 * <ul>
 *   <li>mallory binds herself to {@code cluster-admin} and creates a CronJob three minutes later: a sequence;</li>
 *   <li>eve grants {@code edit} to the service account {@code ops/ci-runner}, and bob creates a CronJob running
 *       under it four minutes later: a sequence naming both;</li>
 *   <li>benign twins: an admin's routine binding with no workload after it; carol's self-grant of {@code admin}
 *       followed by her CronJob two hours later; dave's {@code view} binding then a CronJob a minute later (not a
 *       sensitive role); frank's refused self-grant then a CronJob; the API server's bootstrap reconciliation of the
 *       {@code cluster-admin} binding; a read of a binding.</li>
 * </ul>
 */
class GrantSequencesITCase {
    static final String FIXTURE = "fixtures/rbac/grant-sequences.jsonl";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static List<Alert> emitted;
    private static List<DeadLetter> deadLetters;

    @BeforeAll
    static void runTheJobOverTheFixture() throws Exception {
        JobConfig config = Pipelines.jobConfig("input.file.paths", TestData.resource(FIXTURE).toString());
        Pipelines.FileRun run = Pipelines.runFiles(config, "grant sequences");
        emitted = run.alerts();
        deadLetters = run.deadLetters();
    }

    private static List<Alert> sequences() {
        return emitted.stream().filter(a -> a.kind() == AlertKind.SEQUENCE).toList();
    }

    @Test
    void exactlyTheTwoSequencesAlertAndTheBenignTwinsRaiseNone() {
        assertThat(sequences()).extracting(Alert::name).containsExactlyInAnyOrder("cache-sync", "db-vacuum");
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void aSelfGrantToClusterAdminThenACronJobThreeMinutesLaterCarriesBothRequestsAndTheGap() {
        Alert a = sequences().stream().filter(s -> s.name().equals("cache-sync")).findFirst().orElseThrow();
        assertThat(a.username()).isEqualTo("mallory@example.com");
        assertThat(a.signals()).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(GrantSequenceFunction.GRANTED_TO_WRITER);
            assertThat(s.value()).contains("ClusterRole/cluster-admin", "180s before");
        });
        assertThat(a.chain()).extracting(ChainLink::verb).containsExactly(ChainLink.GRANT, "create");
        assertThat(a.chain()).extracting(ChainLink::username).containsExactly("mallory@example.com", "mallory@example.com");
        assertThat(a.chain().get(0).auditId()).isNotEqualTo(a.auditId()).isNotBlank();
        assertThat(a.chain().get(1).auditId()).isEqualTo(a.auditId());
        assertThat(a.lastSeen() - a.firstSeen()).isEqualTo(180_000L);
        assertThat(a.firstSeen()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
    }

    @Test
    void aGrantToAServiceAccountThenACronJobByAnotherUserUnderItNamesBothActors() {
        Alert a = sequences().stream().filter(s -> s.name().equals("db-vacuum")).findFirst().orElseThrow();
        assertThat(a.username()).isEqualTo("bob@example.com");
        assertThat(a.signals()).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(GrantSequenceFunction.GRANTED_TO_SERVICE_ACCOUNT);
            assertThat(s.value()).contains("system:serviceaccount:ops:ci-runner", "eve@example.com", "240s before");
        });
        assertThat(a.chain()).extracting(ChainLink::username).containsExactly("eve@example.com", "bob@example.com");
        assertThat(a.chain()).extracting(ChainLink::resource).containsExactly("rolebindings", "cronjobs");
    }

    @Test
    void eachSequenceIsEmittedOnceUnderADeterministicId() {
        assertThat(sequences()).extracting(Alert::alertId).doesNotHaveDuplicates().allMatch(id -> id.startsWith("cs-sequence-"));
    }
}
