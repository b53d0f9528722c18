package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.HUMAN;
import static dev.cronsentinel.correlate.ChainEvents.THRESHOLD;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.job;
import static dev.cronsentinel.correlate.ChainEvents.pod;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ScoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobLinkFunctionTest {
    private static final LinkKeys KEYS = new LinkKeys(config().maxWindow().toMillis());
    private static final long RUN = t("09:05:00");
    private static final String JOB = "log-rotate-" + RUN / 60_000;

    private final List<KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding>> opened = new ArrayList<>();
    private final ScoredEvent root = cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @Test
    void theFirstPodOfASuspiciousRootsJobEscalatesWithTheJobAndThePod() throws Exception {
        var h = harness(false);
        h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).suspicious().build());

        ChainFinding f = single(h.extractOutputValues());
        assertThat(f.kind()).isEqualTo(AlertKind.ESCALATION);
        assertThat(f.key()).isEqualTo("escalation/" + root.event().auditId());
        assertThat(f.root().username()).isEqualTo(HUMAN);
        assertThat(f.links()).extracting(ChainLink::resource, ChainLink::name)
                .containsExactly(tuple("jobs", JOB), tuple("pods", JOB + "-x7k2p"));
        // open at least as long as the root's window (09:15) and the Job's window after this Pod (+10 min)
        assertThat(f.expiresAt()).isEqualTo(RUN + 300 + config().defaultWindow().toMillis());
    }

    @Test
    void aPodDeliveredBeforeItsJobWaitsForIt() throws Exception {
        var h = harness(false);
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).suspicious().build());
        assertThat(h.extractOutputValues()).isEmpty();
        h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));

        assertThat(single(h.extractOutputValues()).links()).hasSize(2);
        watermark(h, t("09:30:00"));
        assertThat(h.extractOutputValues()).hasSize(1);
        assertDrained(h);
    }

    @Test
    void manyPodsOfOneJobSendTheJobOnceAndOnePodEach() throws Exception {
        var h = harness(false);
        h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));
        for (int i = 0; i < 6; i++) {
            send(h, pod(JOB, "job-1", "p" + i + "aaa").at(RUN + 300 + i * 20_000L).suspicious().build());
        }
        List<ChainFinding> out = h.extractOutputValues();
        assertThat(out).hasSize(6).extracting(ChainFinding::key).containsOnly("escalation/" + root.event().auditId());
        assertThat(out.get(0).links()).hasSize(2);
        assertThat(out.subList(1, 6)).allSatisfy(f -> assertThat(f.links()).singleElement().extracting(ChainLink::resource).isEqualTo("pods"));
    }

    @Test
    void aPodAfterTheJobsWindowDoesNotEscalate() throws Exception {
        var h = harness(false);
        h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));
        watermark(h, RUN + 10 * 60_000L + 1_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        send(h, pod(JOB, "job-1", "late1").at(RUN + 11 * 60_000L).suspicious().build());
        watermark(h, RUN + 12 * 60_000L);

        assertThat(h.extractOutputValues()).noneMatch(f -> f.kind() == AlertKind.ESCALATION)
                .singleElement().satisfies(f -> {
                    // judged on its own spec: an orphan of the CronJob its Job's name tells
                    assertThat(f.kind()).isEqualTo(AlertKind.ORPHAN);
                    assertThat(f.root().resource()).isEqualTo("cronjobs");
                    assertThat(f.root().name()).isEqualTo("log-rotate");
                });
        assertDrained(h);
    }

    @Test
    void aJobCreatedByAHumanIsARootAndItsRetriedPodsEscalateIt() throws Exception {
        var h = harness(false);
        ScoredEvent jobRoot = job("node-debug").uid("job-9").at(t("09:20:07.391")).suspicious().build();
        send(h, pod("node-debug", "job-9", "abcde").at(t("09:20:07.468")).suspicious().build());
        send(h, jobRoot);
        send(h, pod("node-debug", "job-9", "fghjk").at(t("09:20:20.133")).suspicious().build());
        send(h, pod("node-debug", "job-9", "lmnpq").at(t("09:20:43.902")).suspicious().build());

        List<ChainFinding> out = h.extractOutputValues();
        assertThat(out).hasSize(3).allSatisfy(f -> {
            assertThat(f.key()).isEqualTo("escalation/" + jobRoot.event().auditId());
            assertThat(f.links()).singleElement().extracting(ChainLink::resource).isEqualTo("pods");
        });
        watermark(h, t("10:00:00"));
        assertDrained(h);
    }

    @Test
    void aBenignRootsPodsStayQuiet() throws Exception {
        var h = harness(false);
        ScoredEvent benign = cronJob("pg-backup").uid("cj-3").at(t("09:00:41")).build();
        h.processElement2(record(spawned(RootStatus.BENIGN, benign, "job-1")));
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).build());
        watermark(h, t("10:00:00"));

        assertThat(h.extractOutputValues()).isEmpty();
        assertDrained(h);
    }

    @Test
    void aRefusedJobIsNeverARoot() throws Exception {
        var h = harness(false);
        send(h, job("node-debug").uid("job-9").at(t("09:20:07")).suspicious().refused().build());
        assertThat(h.numKeyedStateEntries()).isZero();
        send(h, pod("node-debug", "job-9", "abcde").at(t("09:20:08")).suspicious().build());
        watermark(h, t("09:30:00"));

        assertThat(h.extractOutputValues()).noneMatch(f -> f.kind() == AlertKind.ESCALATION);
        assertDrained(h);
    }

    @Test
    void podsOfAnUnknownRootAreOrphansOfItsCronJobWhenTheirOwnSpecIsSuspicious() throws Exception {
        var h = harness(false);
        h.processElement2(record(new SpawnedJob(spawn(spawnedJob("node-exporter-sync", "cj-old", RUN).suspicious().uid("job-1").build()),
                RootStatus.UNKNOWN, null, "cronjobs", "node-exporter-sync", RUN + 600_000)));
        send(h, pod("node-exporter-sync-" + RUN / 60_000, "job-1", "bbbbb").at(RUN + 300).build());
        assertThat(h.extractOutputValues()).as("a harmless pod").isEmpty();
        send(h, pod("node-exporter-sync-" + RUN / 60_000, "job-1", "ccccc").at(RUN + 900).suspicious().build());

        ChainFinding f = single(h.extractOutputValues());
        assertThat(f.kind()).isEqualTo(AlertKind.ORPHAN);
        assertThat(f.key()).isEqualTo("orphan/payments/cronjobs/node-exporter-sync/" + t("09:00:00"));
        assertThat(f.evidence().username()).isEqualTo(ChainEvents.JOB_CONTROLLER);
    }

    @Test
    void anUnscoredRootEscalatesOnTheSpecOfItsSuspiciousSpawn() throws Exception {
        var h = harness(false);
        ScoredEvent hidden = cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).bodiless().build();
        h.processElement2(record(spawned(RootStatus.UNSCORED, hidden, "job-1")));
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).score(THRESHOLD + 20).build());

        ChainFinding f = single(h.extractOutputValues());
        assertThat(f.kind()).isEqualTo(AlertKind.ESCALATION);
        assertThat(f.root().username()).isEqualTo(HUMAN);
        assertThat(f.evidence().score()).isEqualTo(THRESHOLD + 20);
    }

    @Test
    void aPodOfAnotherJobWithTheSameNameIsNotClaimed() throws Exception {
        var h = harness(false);
        h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));
        send(h, pod(JOB, "job-other", "x7k2p").at(RUN + 300).suspicious().build());
        watermark(h, RUN + 120_000);

        assertThat(h.extractOutputValues()).noneMatch(f -> f.kind() == AlertKind.ESCALATION);
    }

    @Test
    void lateEventsGoToTheSideOutput() throws Exception {
        var h = harness(false);
        watermark(h, RUN + 60_000);
        send(h, pod(JOB, "job-1", "x7k2p").at(RUN + 300).suspicious().build());

        assertThat(h.getSideOutput(CorrelationStage.LATE)).hasSize(1);
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void snapshotAndRestoreInTheMiddleOfAChain() throws Exception {
        for (boolean rocksDb : new boolean[] {false, true}) {
            var h = harness(rocksDb);
            h.processElement2(record(spawned(RootStatus.SUSPICIOUS, root, "job-1")));
            send(h, pod(JOB, "job-1", "aaaaa").at(RUN + 300).suspicious().build());
            send(h, pod(JOB + "-x", "job-2", "bbbbb").at(RUN + 400).suspicious().build()); // waits for a Job not seen yet
            OperatorSubtaskState snapshot = h.snapshot(1L, RUN + 500);
            assertThat(h.extractOutputValues()).hasSize(1);

            var restored = harness(rocksDb, snapshot);
            send(restored, pod(JOB, "job-1", "ccccc").at(RUN + 20_000).suspicious().build());
            assertThat(single(restored.extractOutputValues()).links()).as("the Job was already reported before the snapshot")
                    .singleElement().extracting(ChainLink::resource).isEqualTo("pods");
            watermark(restored, t("10:00:00"));
            // the waiting Pod was restored too, and resolved as an orphan when its wait ended
            assertThat(restored.extractOutputValues()).extracting(ChainFinding::kind).containsExactly(AlertKind.ESCALATION, AlertKind.ORPHAN);
            assertThat(restored.numEventTimeTimers()).isZero();
            if (!rocksDb) {
                assertThat(restored.numKeyedStateEntries()).isZero();
            }
        }
    }

    private SpawnedJob spawned(RootStatus status, ScoredEvent rootEvent, String jobUid) {
        RootContext r = RootContext.of(rootEvent);
        Spawn j = spawn(spawnedJob(r.name(), r.uid(), RUN).uid(jobUid).suspicious().build());
        return new SpawnedJob(j, status, r, r.resource(), r.name(), t("09:15:00"));
    }

    private static Spawn spawn(ScoredEvent e) {
        return Spawn.of(e, KEYS, THRESHOLD);
    }

    private static StreamRecord<SpawnedJob> record(SpawnedJob s) {
        return new StreamRecord<>(s, s.job().time());
    }

    private static ChainFinding single(List<ChainFinding> out) {
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob, ChainFinding> harness(boolean rocksDb) throws Exception {
        return harness(rocksDb, null);
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
