package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.HUMAN;
import static dev.cronsentinel.correlate.ChainEvents.THRESHOLD;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.delete;
import static dev.cronsentinel.correlate.ChainEvents.job;
import static dev.cronsentinel.correlate.ChainEvents.pod;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Job stage over a root's life: the resume that let a Job run goes with it, and a Job root's hit-and-run. */
class JobLifecycleTest {
    private static final LinkKeys KEYS = new LinkKeys(config().maxWindow().toMillis());
    private static final String EVE = "eve@example.com";
    private static final long RUN = t("12:05:00");
    private static final String JOB = "log-rotate-" + RUN / 60_000;

    private final List<KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding>> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HUMAN, EVE})
    void theFirstFindingOfAJobAfterAResumeCarriesTheResumeAndAnotherIdentitysResumeIsASignal(String resumer) throws Exception {
        var h = harness(false, null);
        RootContext root = RootContext.of(cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspend(true).suspicious().build());
        ChainLink resume = ChainLink.step(ChainLink.RESUME, "cronjobs", "log-rotate", "cj-1", t("12:02:00"), resumer, "audit-resume");
        h.processElement2(record(spawned(root.withResumed(resume), "job-1")));
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).build());
        send(h, pod(JOB, "job-1", "b2c4d").at(RUN + 400).build());

        List<ChainFinding> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).links()).extracting(ChainLink::resource, ChainLink::verb)
                .containsExactly(tuple("jobs", null), tuple("pods", null),
                        tuple("cronjobs", ChainLink.RESUME));
        assertThat(out.get(0).root().username()).isEqualTo(HUMAN);
        if (resumer.equals(HUMAN)) {
            assertThat(out.get(0).signals()).isEmpty();
        } else {
            assertThat(out.get(0).signals()).extracting(Signal::id, Signal::weight)
                    .containsExactly(tuple(RootLifecycle.RESUMED_BY_OTHER, 20));
        }
        // the resume goes once per Job, with its first Pod
        assertThat(out.get(1).links()).extracting(ChainLink::resource).containsExactly("pods");
        assertThat(out.get(1).signals()).isEmpty();
    }

    @Test
    void aJobRootDeletedMinutesAfterItsFirstPodIsAHitAndRunAndTheBenignTwinIsNot() throws Exception {
        var h = harness(false, null);
        ScoredEvent root = job("dump").uid("job-1").at(t("09:00:00")).suspicious().keepsNoHistory().build();
        send(h, root);
        send(h, pod("dump", "job-1", "x7k2p").at(t("09:00:05")).build());
        ScoredEvent del = delete("jobs", "dump", HUMAN).at(t("09:04:00")).build();
        send(h, del);
        // a second delete (a retry) judges nothing twice
        send(h, delete("jobs", "dump", HUMAN).at(t("09:04:10")).build());
        // twins: a benign Job deleted as soon, and a suspicious Job deleted before it ran
        send(h, job("benign").uid("job-2").at(t("09:00:00")).build());
        send(h, pod("benign", "job-2", "k2p4d").at(t("09:00:05")).build());
        send(h, delete("jobs", "benign", HUMAN).at(t("09:04:00")).build());
        send(h, job("never-ran").uid("job-3").at(t("09:00:00")).suspicious().build());
        send(h, delete("jobs", "never-ran", HUMAN).at(t("09:01:00")).build());
        // a CronJob's Job deleted by a user is its CronJob's business
        RootContext cronRoot = RootContext.of(cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspicious().build());
        h.processElement2(record(spawned(cronRoot, "job-4")));
        send(h, pod(JOB, "job-4", "q2r4s").at(RUN + 300).build());
        send(h, delete("jobs", JOB, HUMAN).at(RUN + 400).build());
        assertThat(h.extractOutputValues()).as("deletes are judged when the watermark passes them")
                .allMatch(x -> x.signals().isEmpty());
        watermark(h, RUN + 401);

        List<ChainFinding> hitAndRuns = h.extractOutputValues().stream().filter(f -> !f.signals().isEmpty()).toList();
        ChainFinding f = hitAndRuns.get(0);
        assertThat(hitAndRuns).hasSize(1);
        assertThat(f.key()).isEqualTo("escalation/" + root.event().auditId());
        assertThat(f.links()).extracting(ChainLink::resource, ChainLink::verb).containsExactly(
                tuple("pods", null), tuple("jobs", ChainLink.DELETE));
        assertThat(f.signals()).extracting(Signal::rule, Signal::weight).containsExactly(
                tuple(RootLifecycle.RULE_DELETED_LEAVING_NO_HISTORY, 40));
        watermark(h, t("14:00:00"));
        assertDrained(h);
    }

    @Test
    void aJobRootsHitAndRunSurvivesSnapshotAndRestore() throws Exception {
        var h = harness(true, null);
        send(h, job("dump").uid("job-1").at(t("09:00:00")).suspicious().build());
        send(h, pod("dump", "job-1", "x7k2p").at(t("09:00:05")).build());
        OperatorSubtaskState snapshot = h.snapshot(1L, t("09:01:00"));
        var restored = harness(true, snapshot);
        send(restored, delete("jobs", "dump", "eve@example.com").at(t("09:04:00")).build());
        watermark(restored, t("09:04:00"));
        assertThat(restored.extractOutputValues()).singleElement().satisfies(f ->
                assertThat(f.signals()).extracting(Signal::rule).containsExactly(RootLifecycle.RULE_DELETED_AFTER_SPAWN));
        watermark(restored, t("14:00:00"));
        assertThat(restored.numEventTimeTimers()).isZero();
    }

    private static SpawnedJob spawned(RootContext r, String jobUid) {
        Spawn j = Spawn.of(spawnedJob(r.name(), r.uid(), RUN).uid(jobUid).build(), KEYS, THRESHOLD);
        return new SpawnedJob(j, r.status(), r, r.resource(), r.name(), RUN + 600_000);
    }

    private static StreamRecord<SpawnedJob> record(SpawnedJob s) {
        return new StreamRecord<>(s, s.job().time());
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> harness(
            boolean rocksDb, OperatorSubtaskState restore) throws Exception {
        return Harnesses.jobStage(config(), rocksDb, restore, opened);
    }

    private static void send(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> h, ScoredEvent e)
            throws Exception {
        Harnesses.send(h, e);
    }

    private static void watermark(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> h, long t)
            throws Exception {
        Harnesses.watermark(h, t);
    }

    private static void assertDrained(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> h) {
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }
}
