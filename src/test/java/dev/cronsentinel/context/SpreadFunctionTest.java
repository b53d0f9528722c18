package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.testing.AuditEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The actor-keyed spread function in a harness: new and habitual spreads, state back to zero, restore. */
class SpreadFunctionTest {
    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    /** The shipped settings, judging on arrival; ordering has its own test below. */
    static final ContextConfig CFG = ProfileFunctionTest.withHold(ContextConfig.defaults(), Duration.ZERO);
    static final String MALLORY = "mallory@example.com";

    private static KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> harness() throws Exception {
        return harness(CFG);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> harness(ContextConfig cfg) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new SpreadFunction(cfg)), SpreadFunction.KEY, Types.STRING);
        h.open();
        return h;
    }

    private static List<String> spreadValues(ScoredEvent s) {
        return s.signals().stream().filter(x -> x.id().equals(ContextSignals.CROSS_NAMESPACE_SPREAD)).map(Signal::value).toList();
    }

    private static ScoredEvent create(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> h, String ns, Duration at) throws Exception {
        ScoredEvent s = AuditEvents.cronJob(ns, "sync").id(ns + at).at(T0.plus(at)).by(MALLORY).scored();
        h.processElement(new StreamRecord<>(s, s.event().eventTime()));
        List<ScoredEvent> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void theThirdNamespaceWithinMinutesSignalsAndTheScoreIsLeftToTheProfileStage() throws Exception {
        var h = harness();
        assertThat(spreadValues(create(h, "team-a", Duration.ZERO))).isEmpty();
        assertThat(spreadValues(create(h, "team-b", Duration.ofMinutes(2)))).isEmpty();
        ScoredEvent third = create(h, "team-c", Duration.ofMinutes(3));
        assertThat(spreadValues(third)).containsExactly("3 namespaces within 10m: team-a, team-b, team-c");
        assertThat(third.score()).as("rescored downstream").isEqualTo(AuditEvents.cronJob("team-c", "sync").id("x").at(T0).by(MALLORY).scored().score());
        h.close();
    }

    @Test
    void aHabitualSpreaderIsQuietOnItsNextSpread() throws Exception {
        var h = harness();
        create(h, "a", Duration.ZERO);
        create(h, "b", Duration.ofMinutes(1));
        assertThat(spreadValues(create(h, "c", Duration.ofMinutes(2)))).hasSize(1);
        h.processWatermark(T0.plus(Duration.ofHours(20)).toEpochMilli());
        create(h, "a", Duration.ofDays(1));
        create(h, "b", Duration.ofDays(1).plusMinutes(1));
        assertThat(spreadValues(create(h, "c", Duration.ofDays(1).plusMinutes(2)))).isEmpty();
        h.close();
    }

    @Test
    void onlyWorkloadCreatesAreJudgedAndOthersPassUntouched() throws Exception {
        var h = harness();
        ScoredEvent patch = AuditEvents.cronJob("a", "x").id("p").at(T0).by(MALLORY).verb("patch").scored();
        h.processElement(new StreamRecord<>(patch, patch.event().eventTime()));
        assertThat(h.extractOutputValues()).containsExactly(patch);
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void timersBringTheStateBackToZero() throws Exception {
        var h = harness();
        create(h, "a", Duration.ZERO);
        create(h, "b", Duration.ofMinutes(1));
        create(h, "c", Duration.ofMinutes(2));
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        // The namespaces leave after a window; the memory of the spread stays for a lookback.
        h.processWatermark(T0.plus(Duration.ofMinutes(15)).toEpochMilli());
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(T0.plus(CFG.lookback()).plus(Duration.ofMinutes(3)).toEpochMilli());
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void snapshotAndRestoreKeepTheSpreadMemory() throws Exception {
        var h = harness();
        create(h, "a", Duration.ZERO);
        create(h, "b", Duration.ofMinutes(1));
        create(h, "c", Duration.ofMinutes(2));
        OperatorSubtaskState snapshot = h.snapshot(1L, T0.toEpochMilli());
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new SpreadFunction(CFG)), SpreadFunction.KEY, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numEventTimeTimers()).isEqualTo(1);
        // Still within the episode: the fourth namespace carries the signal and names all four.
        assertThat(spreadValues(create(restored, "d", Duration.ofMinutes(4))))
                .containsExactly("4 namespaces within 10m: a, b, c, d");
        restored.close();
    }

    @Test
    void theCreateThatCompletesASpreadInEventTimeCarriesItWhateverTheArrivalOrder() throws Exception {
        ContextConfig ordered = ProfileFunctionTest.withHold(CFG, Duration.ofMinutes(1));
        for (List<String> arrival : List.of(List.of("a", "b", "c"), List.of("c", "b", "a"), List.of("b", "c", "a"))) {
            var h = harness(ordered);
            for (String ns : arrival) {
                Duration at = Duration.ofMinutes(ns.charAt(0) - 'a');
                ScoredEvent s = AuditEvents.cronJob(ns, "sync").id(ns).at(T0.plus(at)).by(MALLORY).scored();
                h.processElement(new StreamRecord<>(s, s.event().eventTime()));
            }
            assertThat(h.extractOutputValues()).as("nothing is judged before the watermark").isEmpty();
            h.processWatermark(T0.plus(Duration.ofMinutes(5)).toEpochMilli());
            List<ScoredEvent> out = h.extractOutputValues();
            assertThat(out).extracting(s -> s.event().namespace()).as("arrival %s", arrival).containsExactly("a", "b", "c");
            assertThat(spreadValues(out.get(2))).containsExactly("3 namespaces within 10m: a, b, c");
            assertThat(spreadValues(out.get(0))).isEmpty();
            assertThat(spreadValues(out.get(1))).isEmpty();
            h.close();
        }
    }
}
