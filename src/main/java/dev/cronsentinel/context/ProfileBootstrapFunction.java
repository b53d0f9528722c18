package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Writes {@link ProfileFunction}'s state into a savepoint from archived events (the warm-up): the same
 * descriptors, the same absorb and timer code ({@link ProfileFunction#learn}), and the coverage start (the
 * earliest event of the archive). Absorbing is order-independent ({@link ActorProfiles}), so the batch
 * order of the archive does not matter.
 */
public class ProfileBootstrapFunction extends KeyedStateBootstrapFunction<String, ScoredEvent> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final ContextConfig config;

    private transient ValueState<ActorProfile> profile;
    private transient ListState<Long> coverageState;
    private transient long coverageStart;

    public ProfileBootstrapFunction(ContextConfig config) {
        this.config = config;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        coverageState = context.getOperatorStateStore().getUnionListState(ProfileFunction.coverageDescriptor());
        coverageStart = Long.MAX_VALUE;
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
        profile = getRuntimeContext().getState(ProfileFunction.profileDescriptor(config));
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx) throws Exception {
        if (s.role() == EventRole.SPAWN) {
            return;
        }
        coverageStart = Math.min(coverageStart, s.event().eventTime());
        if (s.role() == EventRole.WORKLOAD) {
            profile.update(ProfileFunction.learn(profile.value(), ActorProfiles.observationOf(s.event()), config, ctx.timerService()));
        }
    }
}
