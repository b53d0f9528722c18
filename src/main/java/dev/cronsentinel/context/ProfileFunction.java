package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.runtime.StateTtlBackstop;
import dev.cronsentinel.score.ActorNamespaceKey;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.Scorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per-actor context, keyed by (actor, namespace) ({@link ActorNamespaceKey}): compares each event with what
 * this actor normally does here, adds the context signals ({@link ContextScorer}), rescores, and then lets
 * the event teach the profile. Spawns pass through untouched (controllers are not profiled).
 *
 * <p>Each key's events are judged in event-time order ({@link EventTimeBuffer}): an event waits until the
 * watermark passes it, at most {@code context.ordering-hold} of processing time, so the evidence depends on
 * the events and not on how partitions interleaved them.
 *
 * <p>Only successful writes teach the profile: a refused request ({@code ATTEMPT}) is scored against it but
 * is not something the actor does. Every write teaches it, alerted or not: an alert is where the first
 * malicious request is caught, and its repeats are folded by alert grouping rather than re-signalled.
 *
 * <p>State:
 * <ul>
 *   <li>{@code actor-profile} ({@link ActorProfile}, keyed): bounded sets with a last-seen time per entry.
 *       Exit: one event-time timer per key at the earliest entry expiry (last seen + lookback, rounded up to
 *       the hour) prunes expired entries and re-arms, and clears the key when nothing is left. A TTL of twice
 *       the lookback is only a backstop for keys whose watermark never advances.</li>
 *   <li>{@code profile-pending}, {@code profile-release-at}, {@code profile-latest} (keyed): events waiting to be judged in
 *       event-time order ({@link EventTimeBuffer}); released by the watermark or after
 *       {@code context.ordering-hold}.</li>
 *   <li>{@code profile-coverage-start} (operator union list state): the earliest on-time event time this
 *       operator has observed, i.e. since when the job has been watching. A restored job keeps it (the
 *       minimum over all subtasks), and the warm-up writes the archive's start into it.</li>
 * </ul>
 *
 * <p>Learning: while the job has observed less than {@code context.learning-period} of event time, every
 * context signal (including a spread carried in from {@link SpreadFunction}) is emitted as
 * {@code <rule>:learning} with weight 0. Learning belongs to the observer, not to the key: an actor that
 * first appears in a namespace after the job has watched it for the whole period really has no history
 * there, and that is exactly the {@code first-seen} finding. Judging by the key's own age instead would mute
 * {@code first-seen} for every newcomer, the stolen-token case included.
 *
 * <p>Metrics (group {@code cronsentinel}): {@code contextSignals}, {@code contextSignalsLearning},
 * {@code profilesPruned}.
 */
public class ProfileFunction extends KeyedProcessFunction<String, ScoredEvent, ScoredEvent> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    static final long TIMER_GRANULARITY_MS = Duration.ofHours(1).toMillis();

    public static final String PROFILE_STATE = "actor-profile";
    public static final String COVERAGE_STATE = "profile-coverage-start";
    static final String PENDING_PREFIX = "profile";

    private final RuleSet rules;
    private final ContextConfig config;

    private transient ContextScorer scorer;
    private transient ValueState<ActorProfile> profile;
    private transient EventTimeBuffer pending;
    private transient ListState<Long> coverageState;
    private transient long coverageStart;
    private transient Counter contextSignals;
    private transient Counter learningSignals;
    private transient Counter pruned;

    public ProfileFunction(RuleSet rules, ContextConfig config) {
        this.rules = rules;
        this.config = config;
    }

    /** The profile state's descriptor: the warm-up writes exactly this state. */
    public static ValueStateDescriptor<ActorProfile> profileDescriptor(ContextConfig config) {
        ValueStateDescriptor<ActorProfile> d = new ValueStateDescriptor<>(PROFILE_STATE, TypeInformation.of(ActorProfile.class));
        d.enableTimeToLive(StateTtlBackstop.of(config.lookback().multipliedBy(2)));
        return d;
    }

    public static ListStateDescriptor<Long> coverageDescriptor() {
        return new ListStateDescriptor<>(COVERAGE_STATE, Types.LONG);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        coverageState = context.getOperatorStateStore().getUnionListState(coverageDescriptor());
        coverageStart = Long.MAX_VALUE;
        for (Long t : coverageState.get()) {
            coverageStart = Math.min(coverageStart, t);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        coverageState.clear();
        if (coverageStart != Long.MAX_VALUE) {
            coverageState.add(coverageStart);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new ContextScorer(config, new Scorer(rules));
        profile = getRuntimeContext().getState(profileDescriptor(config));
        pending = new EventTimeBuffer(getRuntimeContext(), PENDING_PREFIX, config.orderingHold().toMillis());
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        contextSignals = group.counter("contextSignals");
        learningSignals = group.counter("contextSignalsLearning");
        pruned = group.counter("profilesPruned");
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx, Collector<ScoredEvent> out) throws Exception {
        if (s.role() == EventRole.SPAWN) {
            out.collect(s);
            return;
        }
        long t = s.event().eventTime();
        if (t >= ctx.timerService().currentWatermark() && t < coverageStart) {
            coverageStart = t;
        }
        if (!pending.hold(s, ctx.timerService())) {
            handle(s, ctx.timerService(), out);
        }
    }

    /** Judges one event against the profile, emits it rescored, and lets it teach the profile. */
    private void handle(ScoredEvent s, TimerService timers, Collector<ScoredEvent> out) throws Exception {
        WorkloadEvent e = s.event();
        ActorProfile p = profile.value();
        ActorProfiles.Observation o = ActorProfiles.observationOf(e);

        // Context carried in from the spread stage, then this key's own.
        List<Signal> structural = new ArrayList<>();
        List<Signal> context = new ArrayList<>();
        for (Signal sig : s.signals()) {
            (ContextSignals.isContext(sig.id()) ? context : structural).add(sig);
        }
        if (scorer.wholeEventAllowlisted(s)) {
            context.clear();
        } else {
            context.addAll(scorer.profileSignals(e, o, p));
        }
        if (!context.isEmpty()) {
            if (learning(e.eventTime())) {
                context = ContextScorer.learning(context);
                learningSignals.inc(context.size());
            } else {
                contextSignals.inc(context.size());
            }
        }
        ScoredEvent base = new ScoredEvent(e, s.role(), List.copyOf(structural), s.score(), s.severity(), s.alertable(),
                s.allowlistedBy(), s.ruleVersion());
        out.collect(scorer.withContext(base, context));

        if (s.role() == EventRole.WORKLOAD) {
            profile.update(learn(p, o, config, timers));
        }
    }

    /** Absorbs an observation and keeps one prune timer armed: shared with the warm-up's bootstrap. */
    static ActorProfile learn(ActorProfile p, ActorProfiles.Observation o, ContextConfig config,
            TimerService timers) {
        ActorProfile next = ActorProfiles.absorb(p, o, config);
        long expiry = ActorProfiles.nextExpiry(next, config.lookback().toMillis());
        return next.withPruneAt(PruneTimers.ensure(timers, next.pruneAt(), expiry, TIMER_GRANULARITY_MS));
    }

    /** True while the job has observed less than the learning period of event time. */
    boolean learning(long eventTime) {
        long period = config.learningPeriod().toMillis();
        return period > 0 && (coverageStart == Long.MAX_VALUE || eventTime - coverageStart < period);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (pending.isDeadline(timestamp)) {
                ActorProfile p = profile.value();
                for (ScoredEvent s : pending.releaseAll(ctx.timerService(), p == null ? 0L : p.pruneAt())) {
                    handle(s, ctx.timerService(), out);
                }
            }
            return;
        }
        for (ScoredEvent s : pending.releaseAt(timestamp, ctx.timerService())) {
            handle(s, ctx.timerService(), out);
        }
        ActorProfile p = profile.value();
        if (p == null || p.pruneAt() != timestamp) {
            return; // a release timer, or the key expired by TTL
        }
        ActorProfile left = ActorProfiles.prune(p, timestamp, config.lookback().toMillis());
        if (left == null) {
            profile.clear();
            pruned.inc();
            return;
        }
        long expiry = ActorProfiles.nextExpiry(left, config.lookback().toMillis());
        profile.update(left.withPruneAt(PruneTimers.ensure(ctx.timerService(), 0L, expiry, TIMER_GRANULARITY_MS)));
    }
}
