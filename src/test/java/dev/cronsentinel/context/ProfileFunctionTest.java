package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.score.ActorNamespaceKey;
import dev.cronsentinel.testing.AuditEvents;
import dev.cronsentinel.testing.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The profile function in a test harness: first sighting against repeats, the learning marker inside the
 * learning period, pruning and TTL back to zero, snapshot and restore, bounded sets, out-of-order events.
 */
class ProfileFunctionTest {
    static final Instant T0 = Instant.parse("2026-11-01T02:00:00Z");
    static final long DAY = Duration.ofDays(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    /** The shipped settings (lookback 14d, learning 14d), judging on arrival; ordering has its own tests below. */
    static final ContextConfig CFG = withHold(ContextConfig.defaults(), Duration.ZERO);
    static final String GITOPS = "system:serviceaccount:argocd:argocd-application-controller";
    static final String GITOPS_UA = "argocd-application-controller/v2.12.3 (linux/amd64)";
    static final String GITOPS_KEY = ActorNamespaceKey.of(GITOPS, "reports");

    private static KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> harness(ContextConfig cfg) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new ProfileFunction(TestData.defaultScorer().rules(), cfg)),
                new ScoredActorNamespaceKey(), Types.STRING);
        h.open();
        return h;
    }

    private static AuditEvents gitops(double day) {
        return AuditEvents.cronJob("reports", "nightly-report").id("g" + day).at(T0.plusMillis((long) (day * DAY)))
                .by(GITOPS).agent(GITOPS_UA).from("10.42.1.15").images("registry.example.com/reports/nightly:1." + (int) day);
    }

    private static ScoredEvent process(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> h, AuditEvents e) throws Exception {
        ScoredEvent s = e.scored();
        int before = h.extractOutputValues().size();
        h.processElement(new StreamRecord<>(s, s.event().eventTime()));
        List<ScoredEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        return out.get(out.size() - 1);
    }

    private static List<Signal> context(ScoredEvent s) {
        return s.signals().stream().filter(x -> ContextSignals.isContext(x.id())).toList();
    }

    static ActorProfile profileOf(KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent> h, String key, ContextConfig cfg) throws Exception {
        KeyedStateBackend<Object> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueState<ActorProfile> state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                ProfileFunction.profileDescriptor(cfg));
        return state.value();
    }

    @Test
    void firstSightingIsNewsAndDailyRepeatsAreNot() throws Exception {
        var h = harness(CFG);
        ScoredEvent first = process(h, gitops(0));
        assertThat(context(first)).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(ContextSignals.FIRST_SEEN);
            assertThat(s.rule()).isEqualTo("first-seen:learning");
            assertThat(s.weight()).isZero();
        });
        for (int day = 1; day <= 15; day++) {
            h.processWatermark(T0.toEpochMilli() + day * DAY - HOUR);
            assertThat(context(process(h, gitops(day)))).as("day %d", day).isEmpty();
        }
        // After learning: the same account from a script is news, with full weight.
        ScoredEvent scripted = process(h, gitops(16).id("script").agent("curl/8.5.0"));
        assertThat(context(scripted)).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(ContextSignals.RULE_SCRIPTED_CLIENT);
            assertThat(s.weight()).isEqualTo(30);
        });
        assertThat(scripted.score()).isEqualTo(gitops(16).id("script").agent("curl/8.5.0").scored().score() + 30);
        h.close();
    }

    @Test
    void insideTheLearningPeriodContextIsEvidenceWithoutWeight() throws Exception {
        var h = harness(CFG);
        process(h, gitops(0));
        AuditEvents novel = gitops(3).id("novel").agent("python-requests/2.31.0").from("198.51.100.23").images("ghcr.io/x/y:1");
        ScoredEvent during = process(h, novel);
        assertThat(context(during)).hasSize(3).allSatisfy(s -> {
            assertThat(s.rule()).endsWith(ContextSignals.LEARNING_SUFFIX);
            assertThat(s.weight()).isZero();
        });
        assertThat(during.score()).isEqualTo(novel.scored().score());
        assertThat(during.alertable()).isEqualTo(novel.scored().alertable()).isFalse();

        // Exactly one learning period after the first event the job has covered it. (Day 0's entries have
        // just left the lookback; day 10 keeps the baseline.)
        assertThat(context(process(h, gitops(10)))).isEmpty();
        AuditEvents edge = gitops(14).id("edge").agent("Go-http-client/2.0");
        ScoredEvent after = process(h, edge);
        assertThat(context(after)).singleElement().satisfies(s -> assertThat(s.rule()).isEqualTo(ContextSignals.RULE_SCRIPTED_CLIENT));
        assertThat(after.score()).isEqualTo(edge.scored().score() + 30);

        // A newcomer after the learning period has no history here, and that is the first-seen finding.
        AuditEvents newcomer = AuditEvents.cronJob("reports", "sync").id("newcomer").at(T0.plusMillis(15 * DAY))
                .by("system:serviceaccount:reports:default");
        assertThat(context(process(h, newcomer))).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(ContextSignals.FIRST_SEEN);
            assertThat(s.weight()).isEqualTo(20);
        });
        h.close();
    }

    @Test
    void aLearningPeriodOfZeroScoresFromTheFirstEvent() throws Exception {
        ContextConfig noLearning = withLearning(Duration.ZERO);
        var h = harness(noLearning);
        assertThat(context(process(h, gitops(0)))).singleElement().satisfies(s -> assertThat(s.weight()).isEqualTo(20));
        h.close();
    }

    @Test
    void timersPruneTheProfileBackToZero() throws Exception {
        var h = harness(CFG);
        process(h, gitops(0).images("registry.example.com/reports/old:1"));
        process(h, gitops(5));
        process(h, AuditEvents.pod("other", "debug").id("o").at(T0).by("bob@example.com"));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).as("one pending timer per key").isEqualTo(2);

        // One lookback after day 0 the day-0 entries go; the day-5 ones stay, and the key re-arms.
        h.processWatermark(T0.toEpochMilli() + CFG.lookback().toMillis() + HOUR);
        ActorProfile p = profileOf(h, GITOPS_KEY, CFG);
        assertThat(p.imageRepositories()).containsOnlyKeys("registry.example.com/reports/nightly");
        assertThat(p.pruneAt()).isEqualTo(T0.toEpochMilli() + 5 * DAY + CFG.lookback().toMillis());
        assertThat(profileOf(h, ActorNamespaceKey.of("bob@example.com", "other"), CFG)).isNull();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        h.processWatermark(T0.toEpochMilli() + 5 * DAY + CFG.lookback().toMillis());
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void anOutOfOrderEventMovesThePendingTimerEarlierInsteadOfAddingOne() throws Exception {
        var h = harness(CFG);
        process(h, gitops(5));
        process(h, gitops(2).images("registry.example.com/reports/older:1"));
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        ActorProfile p = profileOf(h, GITOPS_KEY, CFG);
        assertThat(p.pruneAt()).isEqualTo(T0.toEpochMilli() + 2 * DAY + CFG.lookback().toMillis());
        assertThat(p.firstSeen()).isEqualTo(T0.toEpochMilli() + 2 * DAY);
        assertThat(p.lastSeen()).isEqualTo(T0.toEpochMilli() + 5 * DAY);
        h.close();
    }

    @Test
    void ttlIsTheBackstopForKeysWhoseWatermarkNeverAdvances() throws Exception {
        var h = harness(CFG);
        h.setStateTtlProcessingTime(0);
        process(h, gitops(0));
        h.setStateTtlProcessingTime(CFG.lookback().multipliedBy(2).toMillis() - 1);
        assertThat(profileOf(h, GITOPS_KEY, CFG)).isNotNull();
        h.setStateTtlProcessingTime(CFG.lookback().multipliedBy(2).toMillis() + 1);
        assertThat(profileOf(h, GITOPS_KEY, CFG)).as("expired by TTL").isNull();
        // The key starts over: its next CronJob is a first sighting again.
        assertThat(context(process(h, gitops(1)))).extracting(Signal::id).containsExactly(ContextSignals.FIRST_SEEN);
        h.close();
    }

    @Test
    void snapshotAndRestoreKeepTheProfileAndTheCoverage() throws Exception {
        var h = harness(CFG);
        for (int day = 0; day <= 14; day++) {
            process(h, gitops(day));
        }
        OperatorSubtaskState snapshot = h.snapshot(1L, T0.toEpochMilli() + 14 * DAY);
        ActorProfile before = profileOf(h, GITOPS_KEY, CFG);
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new ProfileFunction(TestData.defaultScorer().rules(), CFG)),
                new ScoredActorNamespaceKey(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(profileOf(restored, GITOPS_KEY, CFG)).isEqualTo(before);
        assertThat(restored.numEventTimeTimers()).isEqualTo(1);
        // A repeat is known, a script is news, and nothing is learning: the coverage came back too.
        assertThat(context(process(restored, gitops(15)))).isEmpty();
        assertThat(context(process(restored, gitops(15).id("s").agent("python-requests/2.31.0"))))
                .singleElement().satisfies(s -> assertThat(s.weight()).isEqualTo(30));
        restored.processWatermark(Long.MAX_VALUE - 1);
        assertThat(restored.numKeyedStateEntries()).isZero();
        assertThat(restored.numEventTimeTimers()).isZero();
        restored.close();
    }

    @Test
    void refusedRequestsAreJudgedButDoNotTeach() throws Exception {
        var h = harness(withLearning(Duration.ZERO));
        process(h, gitops(0));
        ScoredEvent refused = process(h, gitops(1).id("r1").agent("curl/8.5.0").code(403));
        assertThat(refused.role()).isEqualTo(EventRole.ATTEMPT);
        assertThat(context(refused)).extracting(Signal::rule).containsExactly(ContextSignals.RULE_SCRIPTED_CLIENT);
        assertThat(profileOf(h, GITOPS_KEY, CFG).clients()).containsOnlyKeys("argocd-application-controller");
        assertThat(context(process(h, gitops(2).id("w2").agent("curl/8.5.0")))).extracting(Signal::rule)
                .containsExactly(ContextSignals.RULE_SCRIPTED_CLIENT);
        h.close();
    }

    @Test
    void spawnsPassThroughAndAreNeverProfiled() throws Exception {
        var h = harness(CFG);
        ScoredEvent spawn = AuditEvents.job("reports", "nightly-report-29366400").id("spawn").at(T0)
                .by("system:serviceaccount:kube-system:cronjob-controller").scored();
        assertThat(spawn.role()).isEqualTo(EventRole.SPAWN);
        h.processElement(new StreamRecord<>(spawn, spawn.event().eventTime()));
        assertThat(h.extractOutputValues()).containsExactly(spawn);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void aSpreadCarriedInIsRescoredAndMarkedLikeTheOthers() throws Exception {
        var h = harness(CFG);
        ScoredEvent s = gitops(0).scored();
        Signal spread = new Signal(ContextSignals.CROSS_NAMESPACE_SPREAD, ContextSignals.CROSS_NAMESPACE_SPREAD, 20,
                "objectRef.namespace", "3 namespaces within 10m: a, b, reports");
        ScoredEvent carried = new ScoredEvent(s.event(), s.role(), append(s.signals(), spread), s.score(), s.severity(), s.alertable(),
                s.allowlistedBy(), s.ruleVersion());
        h.processElement(new StreamRecord<>(carried, s.event().eventTime()));
        ScoredEvent out = h.extractOutputValues().get(0);
        assertThat(context(out)).extracting(Signal::rule).containsExactlyInAnyOrder("cross-namespace-spread:learning", "first-seen:learning");
        assertThat(out.score()).isEqualTo(s.score());
        h.close();

        var scoring = harness(withLearning(Duration.ZERO));
        scoring.processElement(new StreamRecord<>(carried, s.event().eventTime()));
        ScoredEvent weighted = scoring.extractOutputValues().get(0);
        assertThat(weighted.score()).isEqualTo(s.score() + 20 + 20);
        scoring.close();
    }

    private static List<Signal> append(List<Signal> list, Signal s) {
        List<Signal> out = new ArrayList<>(list);
        out.add(s);
        return out;
    }

    static ContextConfig withLearning(Duration learning) {
        return new ContextConfig(CFG.lookback(), learning, CFG.maxImageRepositories(), CFG.maxClients(), CFG.maxNetworks(),
                CFG.scriptedClients(), CFG.weights(), CFG.spreadWindow(), CFG.spreadNamespaces(), CFG.spreadMaxNamespaces(),
                CFG.orderingHold());
    }

    static ContextConfig withHold(ContextConfig c, Duration hold) {
        return new ContextConfig(c.lookback(), c.learningPeriod(), c.maxImageRepositories(), c.maxClients(), c.maxNetworks(),
                c.scriptedClients(), c.weights(), c.spreadWindow(), c.spreadNamespaces(), c.spreadMaxNamespaces(), hold);
    }

    // ------------------------------------------------------------------------------ event-time order

    private static final ContextConfig ORDERED = withHold(withLearning(Duration.ZERO), Duration.ofMinutes(1));

    private static List<ScoredEvent> runInArrivalOrder(List<AuditEvents> arrival, long watermark) throws Exception {
        var h = harness(ORDERED);
        for (AuditEvents e : arrival) {
            ScoredEvent s = e.scored();
            h.processElement(new StreamRecord<>(s, s.event().eventTime()));
        }
        h.processWatermark(watermark);
        List<ScoredEvent> out = h.extractOutputValues();
        h.close();
        return out;
    }

    @Test
    void eventsOfAKeyAreJudgedInEventTimeOrderWhateverOrderTheyArriveIn() throws Exception {
        AuditEvents base = gitops(0);
        AuditEvents a = gitops(1).id("a").agent("curl/8.5.0").images("ghcr.io/x/first:1");
        AuditEvents b = gitops(1).id("b").at(T0.plusMillis(DAY + 10_000)).agent("curl/8.5.0").images("ghcr.io/x/second:1");
        long wm = T0.toEpochMilli() + 2 * DAY;
        List<ScoredEvent> inOrder = runInArrivalOrder(List.of(base, a, b), wm);
        List<ScoredEvent> reversed = runInArrivalOrder(List.of(b, a, base), wm);
        assertThat(reversed).isEqualTo(inOrder);
        assertThat(inOrder).extracting(s -> s.event().auditId()).containsExactly("g0.0", "a", "b");
        // "a" met curl first; "b" found it known, and found a's image among the known ones.
        assertThat(context(inOrder.get(1))).extracting(Signal::id)
                .containsExactlyInAnyOrder(ContextSignals.UNUSUAL_CLIENT, ContextSignals.NEW_IMAGE_REPOSITORY);
        assertThat(context(inOrder.get(2))).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo(ContextSignals.NEW_IMAGE_REPOSITORY);
            assertThat(x.value()).contains("known: ghcr.io/x/first, registry.example.com/reports/nightly");
        });
    }

    @Test
    void aQuietKeyIsJudgedAfterTheHoldEvenIfTheWatermarkNeverComes() throws Exception {
        var h = harness(ORDERED);
        h.setProcessingTime(1_000);
        ScoredEvent s = gitops(0).scored();
        h.processElement(new StreamRecord<>(s, s.event().eventTime()));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        h.setProcessingTime(1_000 + 59_999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.setProcessingTime(1_000 + 60_000);
        assertThat(h.extractOutputValues()).extracting(x -> x.event().auditId()).containsExactly("g0.0");
        // Released: the wait's timers and state are gone; the profile and its one prune timer remain.
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.close();
    }

    @Test
    void aWaitRestoredWithoutItsLatestTimeKeepsItsDeadlineUntilTheLastEventIsReleased() throws Exception {
        // State written before profile-latest existed: events wait, but the latest waiting time is unknown.
        var h = harness(ORDERED);
        h.setProcessingTime(1_000);
        ScoredEvent base = gitops(0).scored();
        ScoredEvent late = gitops(1).id("b").at(T0.plusMillis(DAY + 10_000)).scored();
        h.processElement(new StreamRecord<>(base, base.event().eventTime()));
        h.processElement(new StreamRecord<>(late, late.event().eventTime()));
        KeyedStateBackend<Object> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(new ScoredActorNamespaceKey().getKey(base));
        backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("profile-latest", Types.LONG)).clear();

        ScoredEvent middle = gitops(1).id("c").scored();
        h.processElement(new StreamRecord<>(middle, middle.event().eventTime()));
        h.processWatermark(T0.toEpochMilli() + DAY + 5_000);
        assertThat(h.extractOutputValues()).extracting(x -> x.event().auditId()).containsExactly("g0.0", "c");
        // "b" still waits, so its processing-time bound must still be armed.
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        h.processWatermark(T0.toEpochMilli() + DAY + 20_000);
        assertThat(h.extractOutputValues()).extracting(x -> x.event().auditId()).containsExactly("g0.0", "c", "b");
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }

    @Test
    void anEventBehindTheWatermarkIsJudgedOnArrival() throws Exception {
        var h = harness(ORDERED);
        h.processWatermark(T0.toEpochMilli() + DAY);
        ScoredEvent late = gitops(0).scored();
        h.processElement(new StreamRecord<>(late, late.event().eventTime()));
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }

    @Test
    void waitingEventsSurviveASnapshot() throws Exception {
        var h = harness(ORDERED);
        ScoredEvent s = gitops(0).scored();
        h.processElement(new StreamRecord<>(s, s.event().eventTime()));
        OperatorSubtaskState snapshot = h.snapshot(1L, 0L);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<String, ScoredEvent, ScoredEvent>(
                new KeyedProcessOperator<>(new ProfileFunction(TestData.defaultScorer().rules(), ORDERED)),
                new ScoredActorNamespaceKey(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(s.event().eventTime());
        assertThat(restored.extractOutputValues()).extracting(x -> x.event().auditId()).containsExactly("g0.0");
        restored.processWatermark(Long.MAX_VALUE - 1);
        assertThat(restored.numKeyedStateEntries()).isZero();
        assertThat(restored.numEventTimeTimers()).isZero();
        restored.close();
    }
}
