package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorSpread;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/** Writes {@link SpreadFunction}'s state (and its prune timer) into the warm-up savepoint. */
public class SpreadBootstrapFunction extends KeyedStateBootstrapFunction<String, SpreadSeed> {
    private static final long serialVersionUID = 1L;

    private final ContextConfig config;
    private transient ValueState<ActorSpread> spread;

    public SpreadBootstrapFunction(ContextConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        spread = getRuntimeContext().getState(SpreadFunction.spreadDescriptor(config));
    }

    @Override
    public void processElement(SpreadSeed seed, Context ctx) throws Exception {
        ActorSpread s = seed.spread();
        long expiry = SpreadTracker.nextExpiry(s, config);
        spread.update(s.withPruneAt(PruneTimers.ensure(ctx.timerService(), 0L, expiry, SpreadFunction.TIMER_GRANULARITY_MS)));
    }
}
