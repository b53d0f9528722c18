package dev.cronsentinel.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.config.ScoringConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

/** The keyed scoring function in a test harness: scoring, dedupe by audit ID, timers, state back to zero, restore. */
class ScoringFunctionTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private static KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> harness() throws Exception {
        ScoringFunction fn = new ScoringFunction(TestData.defaultScorer().rules(), DecoderConfig.defaults(), new ScoringConfig(WINDOW));
        KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), new ActorNamespaceKey(), Types.STRING);
        h.open();
        return h;
    }

    private static List<WorkloadEvent> attacks() {
        return TestData.decodeFile(TestData.resource("fixtures/score/attacks.jsonl")).events;
    }

    private static WorkloadEvent at(WorkloadEvent e, long time) {
        return new WorkloadEvent(e.auditId(), time, e.timestamp(), e.verb(), e.resource(), e.namespace(), e.name(), e.uid(),
                e.username(), e.groups(), e.userAgent(), e.sourceIp(), e.responseCode(), e.decision(), e.level(), e.truncated(),
                e.ownerKind(), e.ownerName(), e.ownerUid(), e.jobNameLabel(), e.schedule(), e.timeZone(), e.suspend(), e.keepsNoHistory(), e.manualFromCronJob(),
                e.templates(), e.origin());
    }

    private static List<String> names(KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent> h) {
        return h.extractOutputValues().stream().map(s -> s.event().name()).collect(Collectors.toList());
    }

    @Test
    void scoresEveryEventOnceEvenWhenRedeliveredOutOfOrder() throws Exception {
        var h = harness();
        List<WorkloadEvent> a = attacks();
        // Out of order: later event first; then a re-delivery of both.
        h.processElement(new StreamRecord<>(a.get(1), a.get(1).eventTime()));
        h.processElement(new StreamRecord<>(a.get(0), a.get(0).eventTime()));
        h.processElement(new StreamRecord<>(a.get(1), a.get(1).eventTime()));
        h.processElement(new StreamRecord<>(a.get(0), a.get(0).eventTime()));
        assertThat(names(h)).containsExactly(a.get(1).name(), a.get(0).name());
        assertThat(h.extractOutputValues()).allSatisfy(s -> assertThat(s.alertable()).isTrue());
        h.close();
    }

    @Test
    void timersForgetAuditIdsAndStateReturnsToZero() throws Exception {
        var h = harness();
        WorkloadEvent e = attacks().get(0);
        h.processElement(new StreamRecord<>(e, e.eventTime()));
        assertThat(h.numKeyedStateEntries()).as("seen-audit-ids and seen-requests").isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        // Just before the window ends the id is still remembered: a redelivery is dropped.
        h.processWatermark(e.eventTime() + WINDOW.toMillis() - 1);
        h.processElement(new StreamRecord<>(e, e.eventTime()));
        assertThat(h.extractOutputValues()).hasSize(1);

        h.processWatermark(e.eventTime() + WINDOW.toMillis() + 61_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        // After the window the same audit ID is scored again (a genuine replay much later).
        WorkloadEvent later = at(e, e.eventTime() + WINDOW.toMillis() * 3);
        h.processElement(new StreamRecord<>(later, later.eventTime()));
        assertThat(h.extractOutputValues()).hasSize(2);
        h.close();
    }

    @Test
    void snapshotAndRestoreKeepTheDedupeState() throws Exception {
        var h = harness();
        WorkloadEvent e = attacks().get(2);
        h.processElement(new StreamRecord<>(e, e.eventTime()));
        OperatorSubtaskState snapshot = h.snapshot(1L, e.eventTime());
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<String, WorkloadEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new ScoringFunction(TestData.defaultScorer().rules(), DecoderConfig.defaults(), new ScoringConfig(WINDOW))),
                new ActorNamespaceKey(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new StreamRecord<>(e, e.eventTime()));
        assertThat(restored.extractOutputValues()).as("the restored function remembers the audit ID").isEmpty();
        assertThat(restored.numEventTimeTimers()).isEqualTo(1);
        restored.processWatermark(Long.MAX_VALUE - 1);
        assertThat(restored.numKeyedStateEntries()).isZero();
        restored.close();
    }
}
