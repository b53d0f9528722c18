package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorSpread;
import dev.cronsentinel.model.ScoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Warm-up only, in BATCH mode, keyed by actor: collects an actor's workload creates from the archive and,
 * at the end of the key (batch execution fires every timer then), replays them in event-time order through
 * {@link SpreadTracker}. Spread episodes depend on order, unlike the profile, so the archive's arbitrary
 * batch order has to be sorted first. The result is the state the streaming {@link SpreadFunction} would hold
 * after the same creates.
 *
 * <p>State {@code spread-replay}: the actor's (time, namespace) pairs; exit: cleared by the end-of-key timer.
 */
public class SpreadReplayFunction extends KeyedProcessFunction<String, ScoredEvent, SpreadSeed> {
    private static final long serialVersionUID = 1L;

    private final ContextConfig config;
    private transient ListState<Tuple2<Long, String>> creates;

    public SpreadReplayFunction(ContextConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        creates = getRuntimeContext().getListState(
                new ListStateDescriptor<>("spread-replay", Types.TUPLE(Types.LONG, Types.STRING)));
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx, Collector<SpreadSeed> out) throws Exception {
        if (!SpreadFunction.counts(s)) {
            return;
        }
        String ns = s.event().namespace() == null ? "" : s.event().namespace();
        creates.add(Tuple2.of(s.event().eventTime(), ns));
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SpreadSeed> out) throws Exception {
        List<Tuple2<Long, String>> all = new ArrayList<>();
        for (Tuple2<Long, String> c : creates.get()) {
            all.add(c);
        }
        creates.clear();
        all.sort(Comparator.<Tuple2<Long, String>>comparingLong(c -> c.f0).thenComparing(c -> c.f1));
        ActorSpread state = null;
        for (Tuple2<Long, String> c : all) {
            state = SpreadTracker.observe(state, c.f1, c.f0, config).state();
        }
        if (state != null) {
            out.collect(new SpreadSeed(ctx.getCurrentKey(), state));
        }
    }
}
