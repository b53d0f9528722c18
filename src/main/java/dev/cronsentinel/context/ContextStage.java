package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.score.RuleSet;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-actor context part of the dataflow, between structural scoring and alerting:
 *
 * <pre>
 *  scored ─► route ─┬─ workload creates ─► keyBy(actor) ─► spread ─┐
 *                   ├─ other workloads, attempts ──────────────────┴─► keyBy(actor, namespace) ─► profile ─┐
 *                   └─ spawns (controllers: never profiled, never a hot key here) ─────────────────────────┴─► out
 * </pre>
 *
 * The output carries every input event once, with context signals added and score, severity and
 * alertability recomputed. Stable uids: {@value #UID_ROUTE}, {@value #UID_SPREAD}, {@value #UID_PROFILE}.
 */
public final class ContextStage {
    public static final String UID_ROUTE = "context-route";
    public static final String UID_SPREAD = "spread";
    public static final String UID_PROFILE = "profile";

    static final OutputTag<ScoredEvent> SPREAD = new OutputTag<>("spread-candidates") {};
    static final OutputTag<ScoredEvent> SPAWNS = new OutputTag<>("spawns") {};

    private ContextStage() {}

    public static DataStream<ScoredEvent> apply(DataStream<ScoredEvent> scored, RuleSet rules, ContextConfig config) {
        SingleOutputStreamOperator<ScoredEvent> routed = scored
                .process(new Router())
                .uid(UID_ROUTE)
                .name("route for context");
        SingleOutputStreamOperator<ScoredEvent> spread = routed.getSideOutput(SPREAD)
                .keyBy(SpreadFunction.KEY)
                .process(new SpreadFunction(config))
                .uid(UID_SPREAD)
                .name("cross-namespace spread by actor");
        SingleOutputStreamOperator<ScoredEvent> profiled = spread.union(routed)
                .keyBy(new ScoredActorNamespaceKey())
                .process(new ProfileFunction(rules, config))
                .uid(UID_PROFILE)
                .name("context by (actor, namespace)");
        return profiled.union(routed.getSideOutput(SPAWNS));
    }

    /** Main output: events for the profile only; side outputs: spread candidates, spawns. */
    static final class Router extends ProcessFunction<ScoredEvent, ScoredEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(ScoredEvent s, Context ctx, Collector<ScoredEvent> out) {
            if (s.role() == EventRole.SPAWN || s.role() == EventRole.DELETE) {
                ctx.output(SPAWNS, s); // deletes, like spawns, say nothing about what the actor normally writes
            } else if (SpreadFunction.counts(s)) {
                ctx.output(SPREAD, s);
            } else {
                out.collect(s);
            }
        }
    }
}
