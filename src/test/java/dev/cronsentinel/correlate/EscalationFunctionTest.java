package dev.cronsentinel.correlate;

import static dev.cronsentinel.correlate.ChainEvents.HUMAN;
import static dev.cronsentinel.correlate.ChainEvents.THRESHOLD;
import static dev.cronsentinel.correlate.ChainEvents.config;
import static dev.cronsentinel.correlate.ChainEvents.cronJob;
import static dev.cronsentinel.correlate.ChainEvents.pod;
import static dev.cronsentinel.correlate.ChainEvents.spawnedJob;
import static dev.cronsentinel.correlate.ChainEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EscalationFunctionTest {
    private static final LinkKeys KEYS = new LinkKeys(config().maxWindow().toMillis());
    private final List<KeyedOneInputStreamOperatorTestHarness<String, ChainFinding, Alert>> opened = new ArrayList<>();

    private final ScoredEvent rootEvent = cronJob("log-rotate").uid("cj-1").at(t("09:02:13")).suspicious().build();
    private final RootContext root = RootContext.of(rootEvent);

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @Test
    void theFirstSpawnRaisesTheEscalationAtOnceWithTheRootsActorAndARaisedSeverity() throws Exception {
        var h = harness(false, null);
        send(h, escalation(run(5), 0));

        Alert a = single(h.extractOutputValues());
        assertThat(a.kind()).isEqualTo(AlertKind.ESCALATION);
        assertThat(a.alertId()).isEqualTo(AlertIds.of(AlertKind.ESCALATION, rootEvent.event().auditId(), ChainEvents.RULES));
        assertThat(a.username()).isEqualTo(HUMAN);
        assertThat(a.sourceIp()).isEqualTo("198.51.100.23");
        assertThat(a.resource()).isEqualTo("cronjobs");
        assertThat(a.name()).isEqualTo("log-rotate");
        assertThat(a.score()).isEqualTo(rootEvent.score());
        assertThat(a.signals()).isEqualTo(rootEvent.signals());
        assertThat(a.severity()).isEqualTo(rootEvent.severity().raised()).isEqualTo(Severity.CRITICAL);
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.chain()).extracting(ChainLink::resource).containsExactly("jobs", "pods");
        assertThat(a.timeToFirstSpawnMillis()).isEqualTo(run(5) + 40 - t("09:02:13"));
        assertThat(a.firstSeen()).isEqualTo(t("09:02:13"));
        assertThat(a.profile()).isEqualTo("default");
    }

    @Test
    void laterSpawnsUpdateTheSameAlertAtMostOncePerIntervalAndOnceWhenItCloses() throws Exception {
        var h = harness(false, null);
        // an every-minute CronJob: one Job and one Pod a minute for an hour
        for (int m = 5; m < 65; m++) {
            send(h, escalation(run(m), m));
            h.processWatermark(new Watermark(run(m) + 30_000));
        }
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<Alert> out = h.extractOutputValues();

        assertThat(out).extracting(Alert::alertId).containsOnly(out.get(0).alertId());
        // first at once (09:05), an update per 5-minute interval (09:10 ... 10:00), the rest when it closes: 13, not 60
        assertThat(out).hasSize(13);
        Alert last = out.get(out.size() - 1);
        assertThat(last.count()).isEqualTo(120);
        assertThat(last.chain()).hasSize(config().maxChainLinks());
        assertThat(last.chain().get(0).time()).isEqualTo(run(5) + 40);
        assertThat(last.lastSeen()).isEqualTo(run(64) + 300);
        assertThat(out).extracting(Alert::count).isSorted();
        assertDrained(h);
    }

    @Test
    void spawnsArrivingOutOfOrderEndInTheSameAlert() throws Exception {
        List<ChainFinding> findings = new ArrayList<>();
        for (int m = 5; m < 30; m += 5) {
            findings.add(escalation(run(m), m));
        }
        var inOrder = harness(false, null);
        for (ChainFinding f : findings) {
            send(inOrder, f);
        }
        inOrder.processWatermark(new Watermark(Long.MAX_VALUE));
        var reversed = harness(false, null);
        for (int i = findings.size() - 1; i >= 0; i--) {
            send(reversed, findings.get(i));
        }
        reversed.processWatermark(new Watermark(Long.MAX_VALUE));

        List<Alert> a = inOrder.extractOutputValues();
        List<Alert> b = reversed.extractOutputValues();
        assertThat(b.get(b.size() - 1)).isEqualTo(a.get(a.size() - 1));
        assertThat(b.get(b.size() - 1).timeToFirstSpawnMillis()).isEqualTo(run(5) + 40 - t("09:02:13"));
        assertThat(b.get(0).alertId()).isEqualTo(a.get(0).alertId());
    }

    @Test
    void manyPodsOfOneJobGiveOneEscalation() throws Exception {
        var h = harness(false, null);
        send(h, escalation(run(5), 0));
        for (int i = 1; i < 200; i++) {
            send(h, ChainFinding.escalation(root, null, List.of(new ChainLink("pods", "log-rotate-x-" + i, "p" + i, run(5) + i * 100L)),
                    t("09:15:00")));
        }
        h.processWatermark(new Watermark(t("11:00:00")));
        List<Alert> out = h.extractOutputValues();
        assertThat(out).hasSize(2).extracting(Alert::alertId).containsOnly(out.get(0).alertId());
        assertThat(out.get(1).count()).isEqualTo(201);
        assertDrained(h);
    }

    @Test
    void orphansAreOneAlertPerRootNamePerWindowJudgedOnTheSpawnsOwnSpec() throws Exception {
        var h = harness(false, null);
        for (int m = 10; m < 60; m += 10) {
            Spawn job = Spawn.of(spawnedJob("node-exporter-sync", "cj-old", t("09:00:00") + m * 60_000L).suspicious().build(), KEYS, THRESHOLD);
            send(h, ChainFinding.orphan(job.namespace(), "cronjobs", "node-exporter-sync", t("09:00:00"), t("10:00:00"), job,
                    List.of(job.link())));
        }
        h.processWatermark(new Watermark(t("12:00:00")));
        List<Alert> out = h.extractOutputValues();

        assertThat(out).hasSize(2).extracting(Alert::alertId).containsOnly(
                AlertIds.of(AlertKind.ORPHAN, "payments", "cronjobs", "node-exporter-sync", Long.toString(t("09:00:00")), ChainEvents.RULES));
        Alert last = out.get(1);
        assertThat(last.kind()).isEqualTo(AlertKind.ORPHAN);
        assertThat(last.count()).isEqualTo(5);
        assertThat(last.username()).isEqualTo(ChainEvents.CRONJOB_CONTROLLER);
        assertThat(last.severity()).as("not raised: nothing confirms a root").isEqualTo(Severity.HIGH);
        assertThat(last.timeToFirstSpawnMillis()).isNull();
        assertDrained(h);
    }

    @Test
    void snapshotAndRestoreInTheMiddleOfAChain() throws Exception {
        for (boolean rocksDb : new boolean[] {false, true}) {
            var h = harness(rocksDb, null);
            send(h, escalation(run(5), 0));
            send(h, escalation(run(10), 1));
            OperatorSubtaskState snapshot = h.snapshot(1L, run(10) + 1_000);
            assertThat(h.extractOutputValues()).hasSize(1);

            var restored = harness(rocksDb, snapshot);
            send(restored, escalation(run(15), 2));
            restored.processWatermark(new Watermark(t("12:00:00")));
            List<Alert> out = restored.extractOutputValues();
            assertThat(out).isNotEmpty();
            assertThat(out.get(out.size() - 1).count()).as("counts carried over the restore").isEqualTo(6);
            assertThat(restored.numEventTimeTimers()).isZero();
            if (!rocksDb) {
                assertThat(restored.numKeyedStateEntries()).isZero();
            }
        }
    }

    @Test
    void aHitAndRunUpdatesTheOpenEscalationAtOnceUnderTheSameIdWithItsSignalAndTheDelete() throws Exception {
        var h = harness(false, null);
        ChainFinding run = escalation(run(5), 0);
        send(h, run);
        ChainFinding hitAndRun = hitAndRun(run.links().get(0), t("09:11:00"));
        send(h, hitAndRun);

        List<Alert> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        Alert first = out.get(0);
        Alert updated = out.get(1);
        assertThat(updated.alertId()).isEqualTo(first.alertId());
        assertThat(updated.score()).isEqualTo(first.score() + config().lifecycle().hitAndRunWeight());
        assertThat(updated.signals()).extracting(s -> s.id()).containsExactly("shell-command", RootLifecycle.HIT_AND_RUN);
        assertThat(updated.count()).as("the delete is no spawn").isEqualTo(2);
        assertThat(updated.chain()).extracting(ChainLink::verb).containsExactly(null, null, ChainLink.DELETE);
        assertThat(updated.chain().get(2).username()).isEqualTo(HUMAN);
        h.processWatermark(new Watermark(t("12:00:00")));
        assertThat(h.extractOutputValues()).as("nothing new to close with").hasSize(2);
        assertDrained(h);
    }

    @Test
    void theDocumentAChainEndsWithDoesNotDependOnWhetherItsHitAndRunOrItsSpawnsArriveFirst() throws Exception {
        ChainFinding run = escalation(run(5), 0);
        ChainFinding hitAndRun = hitAndRun(run.links().get(0), t("09:11:00"));
        Alert[] last = new Alert[2];
        for (int order = 0; order < 2; order++) {
            var h = harness(false, null);
            for (ChainFinding f : order == 0 ? List.of(run, hitAndRun) : List.of(hitAndRun, run)) {
                send(h, f);
            }
            h.processWatermark(new Watermark(t("12:00:00")));
            List<Alert> out = h.extractOutputValues();
            last[order] = out.get(out.size() - 1);
        }
        assertThat(last[1]).isEqualTo(last[0]);
        assertThat(last[0].count()).isEqualTo(2);
    }

    private ChainFinding hitAndRun(ChainLink spawned, long at) {
        return new RootLifecycle(config().lifecycle()).hitAndRun(root, rootEvent.event().eventTime(), spawned,
                RootLifecycle.delete(ChainEvents.delete("cronjobs", "log-rotate", HUMAN).uid("cj-1").at(at).build().event()), at + 30_000);
    }

    /** The Job and first Pod of the run at 09:{minute}, as the Job stage reports them. */
    private ChainFinding escalation(long scheduled, int i) {
        String job = "log-rotate-" + scheduled / 60_000;
        Spawn j = Spawn.of(spawnedJob("log-rotate", "cj-1", scheduled).uid("job-" + i).suspicious().build(), KEYS, THRESHOLD);
        Spawn p = Spawn.of(pod(job, "job-" + i, "p" + i).at(scheduled + 300).uid("pod-" + i).suspicious().build(), KEYS, THRESHOLD);
        return ChainFinding.escalation(root, null, List.of(j.link(), p.link()), scheduled + 6 * 60_000L);
    }

    private static long run(int minute) {
        return t("09:00:00") + minute * 60_000L;
    }

    private static Alert single(List<Alert> out) {
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ChainFinding, Alert> harness(boolean rocksDb, OperatorSubtaskState restore)
            throws Exception {
        return Harnesses.open(new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EscalationFunction(config())), ChainFinding::key, Types.STRING), rocksDb, restore, opened);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ChainFinding, Alert> h, ChainFinding f) throws Exception {
        long t = f.links().stream().mapToLong(ChainLink::time).max().orElseThrow();
        h.processElement(new StreamRecord<>(f, t));
    }

    private static void assertDrained(KeyedOneInputStreamOperatorTestHarness<String, ChainFinding, Alert> h) {
        Harnesses.assertDrained(h.numKeyedStateEntries(), h.numEventTimeTimers());
    }
}
