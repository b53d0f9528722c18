package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.runtime.JobMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stage 3 of correlation, keyed by chain (one key per root, or per orphan group and window): turns findings
 * into alerts without flooding. The first finding of a chain emits its alert at once; later spawns fold into
 * it ({@link ChainAggregate}) and the alert is emitted again, with the same id and the new count and chain,
 * at most once per update interval and once more when the chain closes. Idempotent sinks therefore hold one
 * document per chain, and a stream sink sees a handful of updates, not one record per spawn. A finding that adds
 * a lifecycle signal (a hit-and-run) is emitted at once: it changes the score, and a root has few of them.
 *
 * <p>State: {@code escalation} ({@link EscalationState}). Exit: an event-time timer when the chain closes
 * (its root's last window, or the orphan window, plus a settle margin for findings still in flight) flushes a
 * pending update and clears the state; TTL is only a backstop. Metrics (group {@code cronsentinel}):
 * {@code escalationsRaised}, {@code orphansRaised}, {@code chainUpdates}.
 */
public class EscalationFunction extends KeyedProcessFunction<String, ChainFinding, Alert> {
    private static final long serialVersionUID = 1L;

    static final String STATE = "escalation";

    private final CorrelationConfig cfg;

    private transient ValueState<EscalationState> state;
    private transient long settle;
    private transient long updateInterval;
    private transient Counter escalations;
    private transient Counter orphanAlerts;
    private transient Counter updates;

    public EscalationFunction(CorrelationConfig cfg) {
        this.cfg = cfg.requireRules();
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(CorrelationState.value(STATE, EscalationState.class, cfg));
        // findings reach this stage up to two spawn buffers after their spawn (a Pod waiting for a Job waiting for a root)
        settle = 2 * cfg.spawnBuffer().toMillis() + 1;
        updateInterval = cfg.updateInterval().toMillis();
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        escalations = group.counter("escalationsRaised");
        orphanAlerts = group.counter("orphansRaised");
        updates = group.counter("chainUpdates");
    }

    @Override
    public void processElement(ChainFinding f, Context ctx, Collector<Alert> out) throws Exception {
        EscalationState st = state.value();
        long now = ctx.timestamp() != null ? ctx.timestamp() : ctx.timerService().currentWatermark();
        if (st == null) {
            ChainAggregate agg = ChainAggregate.start(f, cfg.maxChainLinks());
            out.collect(agg.toAlert(cfg.profile()));
            (agg.kind() == AlertKind.ORPHAN ? orphanAlerts : escalations).inc();
            long expiry = agg.expiresAt() + settle;
            ctx.timerService().registerEventTimeTimer(expiry);
            state.update(new EscalationState(agg, false, now, expiry, EscalationState.NO_TIMER));
            return;
        }
        ChainAggregate agg = st.aggregate().fold(f, cfg.maxChainLinks());
        long expiry = Math.max(st.expiryTimer(), agg.expiresAt() + settle);
        if (expiry != st.expiryTimer()) {
            ctx.timerService().deleteEventTimeTimer(st.expiryTimer());
            ctx.timerService().registerEventTimeTimer(expiry);
        }
        if (!agg.lifecycleSignals().equals(st.aggregate().lifecycleSignals())) {
            // A lifecycle signal (a hit-and-run) changes the verdict, not just the count: the update goes out now.
            updates.inc();
            out.collect(agg.toAlert(cfg.profile()));
            state.update(new EscalationState(agg, false, now, expiry, st.updateTimer()));
            return;
        }
        long update = st.updateTimer();
        if (update == EscalationState.NO_TIMER) {
            update = st.lastEmitted() + updateInterval;
            if (update < expiry) {
                ctx.timerService().registerEventTimeTimer(update);
            } else {
                update = EscalationState.NO_TIMER; // the close emits it
            }
        }
        // the expiry only ever moves later, so a registered update always comes before it
        state.update(new EscalationState(agg, true, st.lastEmitted(), expiry, update));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        EscalationState st = state.value();
        if (st == null) {
            return;
        }
        if (timestamp >= st.expiryTimer()) {
            if (st.dirty()) {
                updates.inc();
                out.collect(st.aggregate().toAlert(cfg.profile()));
            }
            state.clear();
        } else if (timestamp >= st.updateTimer() && st.updateTimer() != EscalationState.NO_TIMER) {
            if (st.dirty()) {
                updates.inc();
                out.collect(st.aggregate().toAlert(cfg.profile()));
            }
            state.update(new EscalationState(st.aggregate(), false, timestamp, st.expiryTimer(), EscalationState.NO_TIMER));
        }
    }
}
