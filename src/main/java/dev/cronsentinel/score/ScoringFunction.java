package dev.cronsentinel.score;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.config.ScoringConfig;
import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.redact.Redaction;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.runtime.StateTtlBackstop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores each workload event, keyed by (actor, namespace). The rules are evaluated by the pure
 * {@link Scorer}; this function adds what needs the key's memory.
 *
 * <p>State: {@code seen-audit-ids}, audit ID to the event time at which it may be forgotten. A re-delivered
 * event (webhook retry, at-least-once replay, both stages of a request that lost its stage field) is scored
 * once. Exit: an event-time timer, coalesced to the minute, removes expired ids and the key's state ends
 * empty; a TTL of twice the window is only a backstop for keys whose watermark never advances.
 *
 * <p>Metrics (group {@code cronsentinel}): {@code eventsScored}, {@code duplicatesDropped},
 * {@code structuralAlerts_<severity>} (alertable on structure alone, before per-actor context),
 * {@code allowlistedSignals} and {@code allowlistedSignals_<entry id>} (findings an allowlist silenced: they
 * leave no alert, so this is where a borrowed or too wide entry shows), and {@code lateEvents}: events that arrived behind the watermark. Scoring still
 * scores them, but their dedupe window may already be over and the correlation stage can no longer place
 * them, so a rising count says {@code event-time.max-out-of-orderness} is too small for this audit pipeline.
 */
public class ScoringFunction extends KeyedProcessFunction<String, WorkloadEvent, ScoredEvent> {
    private static final long serialVersionUID = 1L;
    private static final long TIMER_GRANULARITY_MS = 60_000;

    static final String SEEN_STATE = "seen-audit-ids";

    private final RuleSet rules;
    private final DecoderConfig decoderConfig;
    private final long dedupeMillis;

    private transient Scorer scorer;
    private transient EventClassifier classifier;
    private transient MapState<String, Long> seen;
    private transient Counter scored;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Map<Severity, Counter> alertsBySeverity;
    private transient Counter allowlisted;
    private transient Map<String, Counter> allowlistedByEntry;

    public ScoringFunction(RuleSet rules, DecoderConfig decoderConfig, ScoringConfig scoringConfig) {
        this.rules = rules;
        this.decoderConfig = decoderConfig;
        this.dedupeMillis = scoringConfig.dedupeWindow().toMillis();
    }

    /** The descriptor of the dedupe state, shared with tests that inspect it. */
    static MapStateDescriptor<String, Long> seenDescriptor(long dedupeMillis) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>(SEEN_STATE, Types.STRING, Types.LONG);
        d.enableTimeToLive(StateTtlBackstop.of(Duration.ofMillis(2 * dedupeMillis)));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new Scorer(rules);
        classifier = new EventClassifier(decoderConfig);
        seen = getRuntimeContext().getMapState(seenDescriptor(dedupeMillis));
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        scored = group.counter("eventsScored");
        duplicates = group.counter("duplicatesDropped");
        late = group.counter("lateEvents");
        alertsBySeverity = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            alertsBySeverity.put(s, group.counter("structuralAlerts_" + s));
        }
        allowlisted = group.counter("allowlistedSignals");
        allowlistedByEntry = new HashMap<>();
        for (RuleSet.AllowlistEntry a : rules.allowlists()) {
            allowlistedByEntry.put(a.id(), group.counter("allowlistedSignals_" + a.id()));
        }
    }

    @Override
    public void processElement(WorkloadEvent e, Context ctx, Collector<ScoredEvent> out) throws Exception {
        Long timestamp = ctx.timestamp();
        if (timestamp != null && timestamp <= ctx.timerService().currentWatermark()) {
            late.inc();
        }
        String auditId = e.auditId();
        if (auditId != null) {
            if (seen.contains(auditId)) {
                duplicates.inc();
                return;
            }
            long forgetAt = e.eventTime() + dedupeMillis;
            seen.put(auditId, forgetAt);
            ctx.timerService().registerEventTimeTimer(roundUp(forgetAt));
        }
        EventRole role = classifier.classify(e);
        if (role == null) {
            // The decoder already drops these; kept as a guard for events built elsewhere.
            return;
        }
        // A delete carries no workload to judge; correlation reads it (hit-and-run), nothing alerts on it alone.
        ScoredEvent full;
        if (role == EventRole.DELETE) {
            full = new ScoredEvent(e, role, List.of(), 0, Severity.INFO, false, null, scorer.rules().version());
        } else {
            Scorer.Verdict verdict = scorer.evaluate(e, role);
            full = verdict.scored();
            for (Map.Entry<String, Integer> silenced : verdict.silencedByEntry().entrySet()) {
                allowlisted.inc(silenced.getValue());
                allowlistedByEntry.get(silenced.getKey()).inc(silenced.getValue());
            }
        }
        // Evidence is redacted here, while the full spec still tells which env values are secrets (redact/Redaction).
        ScoredEvent s = new ScoredEvent(full.event().afterScoring(), full.role(), Redaction.evidence(full.signals(), full.event()),
                full.score(), full.severity(),
                full.alertable(), full.allowlistedBy(), full.ruleVersion());
        scored.inc();
        if (s.alertable()) {
            alertsBySeverity.get(s.severity()).inc();
        }
        out.collect(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredEvent> out) throws Exception {
        List<String> expired = new ArrayList<>();
        boolean anyLeft = false;
        Iterator<Map.Entry<String, Long>> it = seen.iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() <= timestamp) {
                expired.add(entry.getKey());
            } else {
                anyLeft = true;
            }
        }
        for (String id : expired) {
            seen.remove(id);
        }
        if (!anyLeft) {
            seen.clear();
        }
    }

    private static long roundUp(long t) {
        return (t / TIMER_GRANULARITY_MS + 1) * TIMER_GRANULARITY_MS;
    }
}
