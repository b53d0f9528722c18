package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.HUMAN;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.delete;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CronJob stage over a root's life after its create: suspend and resume, delete (hit-and-run), and changes
 * of the schedule or the pod template.
 */
class CronJobLifecycleTest {
    private static final String EVE = "eve@example.com";
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final List<KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob>> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @Test
    void aCronJobCreatedSuspendedKeepsItsRootUntilItsResumeAndItsJobsEscalateUnderTheCreator() throws Exception {
        var h = harness(config());
        ScoredEvent root = cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspend(true).suspicious().build();
        send(h, root);
        // a day later, long after the */5 schedule's window would have closed
        h.processWatermark(new Watermark(t("09:00:00") + DAY));
        assertThat(h.numKeyedStateEntries()).as("the suspended root is kept").isOne();
        ScoredEvent resume = cronJob("log-rotate").uid("cj-1").verb("patch").at(t("10:02:00") + DAY).schedule(null, null)
                .noTemplate().suspend(false).build();
        send(h, resume);
        send(h, spawnedJob("log-rotate", "cj-1", t("10:05:00") + DAY).suspicious().build());
        assertThat(h.extractOutputValues()).as("the Job waits for the resume before it").isEmpty();
        h.processWatermark(new Watermark(t("10:05:01") + DAY));

        SpawnedJob s = single(h.extractOutputValues());
        assertThat(s.status()).isEqualTo(RootStatus.SUSPICIOUS);
        assertThat(s.root().auditId()).isEqualTo(root.event().auditId());
        assertThat(s.root().username()).isEqualTo(HUMAN);
        assertThat(s.root().resumed()).isEqualTo(ChainLink.step(ChainLink.RESUME, "cronjobs", "log-rotate", "cj-1",
                t("10:02:00") + DAY, HUMAN, resume.event().auditId()));
        // the window restarted from the resume: next fire 10:05, then 10:10 + grace after the Job
        assertThat(s.expiresAt()).isEqualTo(t("10:15:00") + DAY);
        h.processWatermark(new Watermark(t("11:00:00") + DAY));
        assertDrained(h);
    }

    @Test
    void withoutItsResumeASuspendedRootIsKeptNoLongerThanTheMaximum() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspend(true).suspicious().build());
        h.processWatermark(new Watermark(t("09:00:00") + Duration.ofDays(3).toMillis()));
        assertDrained(h);
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00") + Duration.ofDays(3).toMillis()).build());
        h.processWatermark(new Watermark(t("10:00:00") + Duration.ofDays(3).toMillis()));
        assertThat(single(h.extractOutputValues()).status()).isEqualTo(RootStatus.UNKNOWN);
    }

    @Test
    void aSuspendPatchKeepsTheRootAndTheSpawnsAfterTheResumeStillBelongToIt() throws Exception {
        var h = harness(config());
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspicious().build());
        send(h, spawnedJob("log-rotate", "cj-1", t("09:05:00")).build());
        send(h, cronJob("log-rotate").uid("cj-1").verb("patch").by(EVE).at(t("09:06:00")).schedule(null, null).noTemplate()
                .suspend(true).build());
        h.processWatermark(new Watermark(t("20:00:00")));
        assertThat(h.numKeyedStateEntries()).isOne();
        send(h, cronJob("log-rotate").uid("cj-1").verb("patch").by(EVE).at(t("20:01:00")).schedule(null, null).noTemplate()
                .suspend(false).build());
        send(h, spawnedJob("log-rotate", "cj-1", t("20:05:00")).build());
        h.processWatermark(new Watermark(t("20:05:01")));
        List<SpawnedJob> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).status()).isEqualTo(RootStatus.SUSPICIOUS);
        assertThat(out.get(1).root().username()).isEqualTo(HUMAN);
        assertThat(out.get(1).root().resumed().username()).isEqualTo(EVE);
    }

    @Test
    void aResumeDeliveredAfterTheJobItLetRunFollowsThatJobToTheEscalation() throws Exception {
        var h = harness(config());
        ScoredEvent root = cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspend(true).suspicious().build();
        send(h, root);
        send(h, spawnedJob("log-rotate", "cj-1", t("12:05:00")).build());
        ScoredEvent resume = cronJob("log-rotate").uid("cj-1").verb("patch").by(EVE).at(t("12:02:00")).schedule(null, null)
                .noTemplate().suspend(false).build();
        send(h, resume);
        h.processWatermark(new Watermark(t("12:02:00")));

        ChainFinding f = single(lifecycle(h));
        assertThat(f.key()).isEqualTo("escalation/" + root.event().auditId());
        assertThat(f.links()).extracting(ChainLink::verb).containsExactly(null, ChainLink.RESUME);
        assertThat(f.signals()).extracting(Signal::id).containsExactly(RootLifecycle.RESUMED_BY_OTHER);
        assertThat(f.signals().get(0).value()).contains(EVE).contains(HUMAN);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCronJobDeletedSoonAfterItsFirstRunIsAHitAndRun(boolean keepsNoHistory) throws Exception {
        var h = harness(config());
        ChainEvents.Builder create = cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious();
        ScoredEvent root = (keepsNoHistory ? create.keepsNoHistory() : create).build();
        send(h, root);
        ScoredEvent job = spawnedJob("log-rotate", "cj-1", t("09:05:00")).build();
        send(h, job);
        ScoredEvent del = delete("cronjobs", "log-rotate", HUMAN).at(t("09:11:00")).build();
        send(h, del);
        assertThat(lifecycle(h)).as("judged when the watermark passes it").isEmpty();
        h.processWatermark(new Watermark(t("09:11:00")));

        ChainFinding f = single(lifecycle(h));
        assertThat(f.key()).isEqualTo("escalation/" + root.event().auditId());
        assertThat(f.links()).containsExactly(new ChainLink("jobs", job.event().name(), null, job.event().eventTime()),
                ChainLink.step(ChainLink.DELETE, "cronjobs", "log-rotate", "cj-1", t("09:11:00"), HUMAN, del.event().auditId()));
        Signal s = single(f.signals());
        assertThat(s.id()).isEqualTo(RootLifecycle.HIT_AND_RUN);
        assertThat(s.weight()).isEqualTo(keepsNoHistory ? 40 : 20);
        assertThat(s.rule()).isEqualTo(keepsNoHistory ? RootLifecycle.RULE_DELETED_LEAVING_NO_HISTORY : RootLifecycle.RULE_DELETED_AFTER_SPAWN);
        // the deleted root ends with the Jobs in flight, not at its next fire time
        h.processWatermark(new Watermark(t("09:11:31")));
        assertDrained(h);
    }

    @Test
    void aDeleteLongAfterTheCreateOrBeforeAnyRunIsNoHitAndRun() throws Exception {
        var h = harness(config());
        send(h, cronJob("hourly").uid("cj-1").at(t("09:00:00")).schedule("0 * * * *", null).suspicious().build());
        send(h, spawnedJob("hourly", "cj-1", t("10:00:00")).build());
        send(h, delete("cronjobs", "hourly", HUMAN).at(t("10:20:00")).build());
        send(h, cronJob("never-ran").uid("cj-2").at(t("09:00:00")).suspicious().build());
        send(h, delete("cronjobs", "never-ran", HUMAN).at(t("09:03:00")).build());
        // a benign CronJob deleted minutes after its first run: nothing escalates for it
        send(h, cronJob("benign").uid("cj-3").at(t("09:00:00")).build());
        send(h, spawnedJob("benign", "cj-3", t("09:05:00")).build());
        send(h, delete("cronjobs", "benign", HUMAN).at(t("09:06:00")).build());
        // another CronJob of the same name (another uid) is not this root's delete
        send(h, cronJob("recreated").uid("cj-4").at(t("09:00:00")).suspicious().build());
        send(h, spawnedJob("recreated", "cj-4", t("09:05:00")).build());
        send(h, delete("cronjobs", "recreated", HUMAN).uid("cj-old").at(t("09:06:00")).build());
        h.processWatermark(new Watermark(t("12:00:00")));
        assertThat(lifecycle(h)).isEmpty();
        assertDrained(h);
    }

    @Test
    void aFullUpdateToABenignTemplateQuietsTheSpawnsThatFollowAndAPartialPatchDoesNot() throws Exception {
        var h = harness(config());
        send(h, cronJob("replaced").uid("cj-1").at(t("09:00:00")).suspicious().build());
        send(h, cronJob("replaced").uid("cj-1").verb("update").at(t("09:01:00")).build());
        send(h, spawnedJob("replaced", "cj-1", t("09:05:00")).build());
        send(h, cronJob("patched").uid("cj-2").at(t("09:00:00")).suspicious().build());
        send(h, cronJob("patched").uid("cj-2").verb("patch").schedule(null, null).at(t("09:01:00")).build());
        send(h, spawnedJob("patched", "cj-2", t("09:05:00")).build());
        // a benign CronJob patched in part: what runs is known only from the spawns, judged on their own spec
        ScoredEvent benignPatch = cronJob("benign").uid("cj-3").verb("patch").schedule(null, null).at(t("09:01:00")).build();
        send(h, cronJob("benign").uid("cj-3").at(t("09:00:00")).build());
        send(h, benignPatch);
        send(h, spawnedJob("benign", "cj-3", t("09:05:00")).build());
        h.processWatermark(new Watermark(t("09:05:01")));

        List<SpawnedJob> out = h.extractOutputValues();
        assertThat(out).extracting(s -> s.root().name() + ":" + s.status())
                .containsExactly("replaced:BENIGN", "patched:SUSPICIOUS", "benign:UNSCORED");
        assertThat(out.get(2).root().auditId()).isEqualTo(benignPatch.event().auditId());
        assertThat(out.get(1).expiresAt()).isEqualTo(t("09:15:00"));
    }

    @Test
    void aScheduleChangeMovesTheWindowTheRootIsJudgedBy() throws Exception {
        var h = harness(config());
        send(h, cronJob("moved").uid("cj-1").at(t("09:00:00")).schedule("0 0 * * *", null).suspicious().build());
        send(h, cronJob("moved").uid("cj-1").verb("patch").at(t("09:01:00")).schedule("*/10 * * * *", null).noTemplate().build());
        send(h, spawnedJob("moved", "cj-1", t("09:10:00")).build());
        h.processWatermark(new Watermark(t("09:10:01")));
        assertThat(single(h.extractOutputValues()).expiresAt()).isEqualTo(t("09:25:00"));
    }

    @Test
    void aSuspendedRootSurvivesSnapshotAndRestoreOnRocksDbAndItsStateIsSmall() throws Exception {
        var h = harness(config(), true, null);
        send(h, cronJob("log-rotate").uid("cj-1").at(t("09:00:00")).suspend(true).suspicious().build());
        OperatorSubtaskState snapshot = h.snapshot(1L, t("09:01:00"));

        var restored = harness(config(), true, snapshot);
        restored.processWatermark(new Watermark(t("09:00:00") + 2 * DAY));
        send(restored, cronJob("log-rotate").uid("cj-1").verb("patch").by(EVE).at(t("10:00:30") + 2 * DAY)
                .schedule(null, null).noTemplate().suspend(false).build());
        send(restored, spawnedJob("log-rotate", "cj-1", t("10:05:00") + 2 * DAY).build());
        restored.processWatermark(new Watermark(t("10:05:01") + 2 * DAY));
        assertThat(single(restored.extractOutputValues()).status()).isEqualTo(RootStatus.SUSPICIOUS);
        restored.processWatermark(new Watermark(t("12:00:00") + 2 * DAY));
        assertThat(restored.numEventTimeTimers()).isZero();

        // what a suspended root costs, serialized as the state backend stores it
        var serializer = TypeInformation.of(CronJobRoot.class).createSerializer(h.getExecutionConfig().getSerializerConfig());
        for (ScoredEvent e : new ScoredEvent[] {cronJob("pg-backup").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").suspend(true).build(),
                cronJob("log-rotate").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").suspend(true).suspicious().build()}) {
            var out = new DataOutputSerializer(512);
            serializer.serialize(CronJobRoot.fresh(RootContext.of(e), e.event().eventTime() + 3 * DAY, e.event().eventTime(), true), out);
            System.out.printf("suspended root state (%s): %d bytes%n", e.alertable() ? "suspicious" : "benign", out.length());
            assertThat(out.length()).as(e.event().name()).isLessThan(e.alertable() ? 1024 : 400);
        }
        // a change waiting for the watermark, and a resumed root (the resume is a chain link in the root)
        var changes = TypeInformation.of(PendingChange.class).createSerializer(h.getExecutionConfig().getSerializerConfig());
        ScoredEvent patch = cronJob("log-rotate").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").verb("patch").by(EVE)
                .schedule(null, null).noTemplate().suspend(false).build();
        var out = new DataOutputSerializer(512);
        changes.serialize(PendingChange.of(patch), out);
        System.out.printf("pending change state: %d bytes%n", out.length());
        assertThat(out.length()).isLessThan(512);
        RootContext resumed = RootContext.of(cronJob("pg-backup").uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").build())
                .withResumed(ChainLink.step(ChainLink.RESUME, "cronjobs", "pg-backup", "0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71",
                        t("10:00:00"), "alice@example.com", "5b0d4c1e-9f7a-4f0e-8d3c-2a1b7c9e4f60"));
        out = new DataOutputSerializer(512);
        serializer.serialize(CronJobRoot.fresh(resumed, 0, 0, false), out);
        System.out.printf("resumed benign root state: %d bytes%n", out.length());
        assertThat(out.length()).isLessThan(512);
        // the Job stage's pending delete is one chain link
        out = new DataOutputSerializer(256);
        TypeInformation.of(ChainLink.class).createSerializer(h.getExecutionConfig().getSerializerConfig())
                .serialize(RootLifecycle.delete(ChainEvents.delete("jobs", "pg-backup-29921230", HUMAN)
                        .uid("0f3c2a4e-7d1b-4a55-9c0e-6e2f8b1d3a71").build().event()), out);
        System.out.printf("pending delete state: %d bytes%n", out.length());
        assertThat(out.length()).isLessThan(256);
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static List<ChainFinding> lifecycle(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h) {
        var out = h.getSideOutput(CronJobLinkFunction.LIFECYCLE);
        List<ChainFinding> findings = new ArrayList<>();
        if (out != null) {
            out.forEach(r -> findings.add(r.getValue()));
        }
        return findings;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> harness(CorrelationConfig cfg) throws Exception {
        return harness(cfg, false, null);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> harness(CorrelationConfig cfg, boolean rocksDb,
                                                                                         OperatorSubtaskState restore) throws Exception {
        return Harnesses.cronJobStage(cfg, rocksDb, restore, opened);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h, ScoredEvent e) throws Exception {
        Harnesses.send(h, e);
    }

    private static void assertDrained(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, SpawnedJob> h) {
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }
}
