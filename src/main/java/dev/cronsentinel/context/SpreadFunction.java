package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorSpread;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.runtime.StateTtlBackstop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The cross-namespace-spread signal, keyed by actor alone ({@link #KEY}).
 *
 * <p>Why its own key: spread is a fact about several namespaces at once, and the (actor, namespace) key puts
 * each namespace of an actor into a different key, usually on a different subtask, where no state can see
 * the others. Keying by actor brings every namespace of the actor together.
 *
 * <p>Why it cannot become a hot key: {@link ContextStage} routes only workload creates here. Spawns (the
 * CronJob and Job controllers creating Jobs and Pods all over the cluster) and every other event bypass this
 * stage, so the controllers' identities never arrive. A GitOps controller that syncs many namespaces does,
 * but it writes only when a manifest changes, and its spreads are habitual (see {@link SpreadTracker}).
 *
 * <p>Creates are judged in event-time order ({@link EventTimeBuffer}, state {@code spread-pending} and
 * {@code spread-release-at}, {@code spread-latest}), so which create of a spread carries the signal does not depend on how the
 * (actor, namespace) subtasks upstream interleaved them.
 *
 * <p>Output: the event with a {@code cross-namespace-spread} signal appended when the create is part of a new
 * spread; score, severity and alertability are recomputed downstream by {@link ProfileFunction}, which also
 * applies the learning marker, so that the score is computed in one place.
 *
 * <p>State {@code actor-spread} ({@link ActorSpread}): recent namespaces (bounded) and the last spread.
 * Exit: one event-time timer per key at the earliest expiry (a namespace one window after its last create,
 * the last spread one lookback after it, rounded up to the minute) prunes and re-arms, and clears the key
 * when nothing is left; a TTL of twice the lookback is the backstop.
 */
public class SpreadFunction extends KeyedProcessFunction<String, ScoredEvent, ScoredEvent> {
    private static final long serialVersionUID = 1L;
    static final long TIMER_GRANULARITY_MS = Duration.ofMinutes(1).toMillis();

    public static final String SPREAD_STATE = "actor-spread";

    /** The key of this stage: the actor alone. */
    public static final KeySelector<ScoredEvent, String> KEY = new ActorKey();

    private final ContextConfig config;

    private transient ValueState<ActorSpread> spread;
    private transient EventTimeBuffer pending;
    private transient Counter spreads;

    public SpreadFunction(ContextConfig config) {
        this.config = config;
    }

    /** True for the events this stage judges: successful workload creates by non-controller identities. */
    public static boolean counts(ScoredEvent s) {
        return s.role() == EventRole.WORKLOAD && "create".equals(s.event().verb());
    }

    public static ValueStateDescriptor<ActorSpread> spreadDescriptor(ContextConfig config) {
        ValueStateDescriptor<ActorSpread> d = new ValueStateDescriptor<>(SPREAD_STATE, TypeInformation.of(ActorSpread.class));
        d.enableTimeToLive(StateTtlBackstop.of(config.lookback().multipliedBy(2)));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        spread = getRuntimeContext().getState(spreadDescriptor(config));
        pending = new EventTimeBuffer(getRuntimeContext(), "spread", config.orderingHold().toMillis());
        spreads = JobMetrics.group(getRuntimeContext()).counter("crossNamespaceSpreads");
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx, Collector<ScoredEvent> out) throws Exception {
        if (!counts(s)) {
            out.collect(s); // routed here by mistake: pass through without touching state
            return;
        }
        if (!pending.hold(s, ctx.timerService())) {
            handle(s, ctx.timerService(), out);
        }
    }

    private void handle(ScoredEvent s, TimerService timers, Collector<ScoredEvent> out) throws Exception {
        SpreadTracker.Result r = observe(spread.value(), s.event().namespace(), s.event().eventTime(), config, timers);
        spread.update(r.state());
        if (r.signal() == null) {
            out.collect(s);
            return;
        }
        spreads.inc();
        List<Signal> signals = new ArrayList<>(s.signals());
        signals.add(r.signal());
        out.collect(new ScoredEvent(s.event(), s.role(), List.copyOf(signals), s.score(), s.severity(), s.alertable(),
                s.allowlistedBy(), s.ruleVersion()));
    }

    /** Observes one create and keeps one prune timer armed: shared with the warm-up. */
    static SpreadTracker.Result observe(ActorSpread state, String namespace, long time, ContextConfig config,
            TimerService timers) {
        SpreadTracker.Result r = SpreadTracker.observe(state, namespace, time, config);
        long expiry = SpreadTracker.nextExpiry(r.state(), config);
        ActorSpread armed = r.state().withPruneAt(PruneTimers.ensure(timers, r.state().pruneAt(), expiry, TIMER_GRANULARITY_MS));
        return new SpreadTracker.Result(armed, r.signal());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (pending.isDeadline(timestamp)) {
                ActorSpread s = spread.value();
                for (ScoredEvent e : pending.releaseAll(ctx.timerService(), s == null ? 0L : s.pruneAt())) {
                    handle(e, ctx.timerService(), out);
                }
            }
            return;
        }
        for (ScoredEvent e : pending.releaseAt(timestamp, ctx.timerService())) {
            handle(e, ctx.timerService(), out);
        }
        ActorSpread s = spread.value();
        if (s == null || s.pruneAt() != timestamp) {
            return;
        }
        ActorSpread left = SpreadTracker.prune(s, timestamp, config);
        if (left == null) {
            spread.clear();
            return;
        }
        long expiry = SpreadTracker.nextExpiry(left, config);
        spread.update(left.withPruneAt(PruneTimers.ensure(ctx.timerService(), 0L, expiry, TIMER_GRANULARITY_MS)));
    }

    private static final class ActorKey implements KeySelector<ScoredEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ScoredEvent s) {
            return s.event().username() == null ? "" : s.event().username();
        }
    }
}
