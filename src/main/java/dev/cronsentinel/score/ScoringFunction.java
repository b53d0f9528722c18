package dev.cronsentinel.score;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.config.ScoringConfig;
import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.redact.Redaction;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
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
 * <p>Dedupe a client cannot steer (issue 16, row 2). The API server takes a client's {@code Audit-ID} header
 * as is, so an audit ID alone proves nothing: a redelivery is recognised by the audit ID together with what
 * the request was, {@link #requestFingerprint} (verb, object reference, outcome and a hash of the decoded
 * bodies). A re-delivered event (webhook retry, at-least-once replay, both stages of a Request-level event
 * that lost its stage field) is scored once; a reused audit ID with a different request is scored, and
 * carries a signal {@value #AUDIT_ID_REUSE} (weight 0) as evidence of the reuse.
 *
 * <p>State, both entries mapping to the event time at which they may be forgotten: {@code seen-requests}
 * (audit ID and request fingerprint: the dedupe) and {@code seen-audit-ids} (audit ID alone: detects reuse).
 * Exit: an event-time timer, coalesced to the minute, removes expired entries and the key's state ends
 * empty; a TTL of twice the window is only a backstop for keys whose watermark never advances. Both grow
 * only with the key's own events (the key is the authenticated actor and namespace).
 *
 * <p>Metrics (group {@code cronsentinel}): {@code eventsScored}, {@code duplicatesDropped}, {@code auditIdReuses},
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
    static final String SEEN_REQUESTS_STATE = "seen-requests";
    /** Evidence that an audit ID came back with a different request. */
    public static final String AUDIT_ID_REUSE = "audit-id-reuse";

    private final RuleSet rules;
    private final DecoderConfig decoderConfig;
    private final long dedupeMillis;

    private transient Scorer scorer;
    private transient EventClassifier classifier;
    private transient MapState<String, Long> seen;
    private transient MapState<String, Long> seenRequests;
    private transient Counter scored;
    private transient Counter duplicates;
    private transient Counter auditIdReuses;
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
        return forgetting(SEEN_STATE, dedupeMillis);
    }

    /** The descriptor of the (audit ID, request fingerprint) dedupe state. */
    static MapStateDescriptor<String, Long> seenRequestsDescriptor(long dedupeMillis) {
        return forgetting(SEEN_REQUESTS_STATE, dedupeMillis);
    }

    private static MapStateDescriptor<String, Long> forgetting(String name, long dedupeMillis) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>(name, Types.STRING, Types.LONG);
        d.enableTimeToLive(StateTtlBackstop.of(Duration.ofMillis(2 * dedupeMillis)));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new Scorer(rules);
        classifier = new EventClassifier(decoderConfig);
        seen = getRuntimeContext().getMapState(seenDescriptor(dedupeMillis));
        seenRequests = getRuntimeContext().getMapState(seenRequestsDescriptor(dedupeMillis));
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        scored = group.counter("eventsScored");
        duplicates = group.counter("duplicatesDropped");
        auditIdReuses = group.counter("auditIdReuses");
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
        boolean reused = false;
        if (auditId != null) {
            String request = auditId + '\u0000' + requestFingerprint(e);
            if (seenRequests.contains(request)) {
                duplicates.inc();
                return;
            }
            reused = seen.contains(auditId);
            long forgetAt = e.eventTime() + dedupeMillis;
            seenRequests.put(request, forgetAt);
            Long known = seen.get(auditId);
            seen.put(auditId, known == null ? forgetAt : Math.max(known, forgetAt));
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
        List<Signal> signals = full.signals();
        if (reused) {
            auditIdReuses.inc();
            signals = new ArrayList<>(signals);
            signals.add(new Signal(AUDIT_ID_REUSE, AUDIT_ID_REUSE, 0, "auditID",
                    auditId.length() <= 256 ? auditId : auditId.substring(0, 256)));
            signals = List.copyOf(signals);
        }
        // Evidence is redacted here, while the full spec still tells which env values are secrets (redact/Redaction).
        ScoredEvent s = new ScoredEvent(full.event().afterScoring(), full.role(), Redaction.evidence(signals, full.event()),
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
        forgetExpired(seen, timestamp);
        forgetExpired(seenRequests, timestamp);
    }

    private static void forgetExpired(MapState<String, Long> state, long timestamp) throws Exception {
        List<String> expired = new ArrayList<>();
        boolean anyLeft = false;
        Iterator<Map.Entry<String, Long>> it = state.iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() <= timestamp) {
                expired.add(entry.getKey());
            } else {
                anyLeft = true;
            }
        }
        for (String id : expired) {
            state.remove(id);
        }
        if (!anyLeft) {
            state.clear();
        }
    }

    /**
     * What a request was, as far as a redelivery must repeat it: verb, object reference, actor, outcome, owner
     * links and a hash of every decoded pod template (records print their whole content). The event time is
     * left out (both stages of a stage-less event differ only there), so two events with one audit ID and one
     * fingerprint are the same request. SHA-256, first 16 bytes in hex ({@link AlertIds#sha256Hex}).
     */
    static String requestFingerprint(WorkloadEvent e) {
        return AlertIds.sha256Hex(16, e.verb(), e.resource(), e.namespace(), e.name(), e.uid(), e.username(),
                String.valueOf(e.responseCode()), e.decision(), e.level(), String.valueOf(e.truncated()), e.ownerKind(),
                e.ownerName(), e.ownerUid(), e.jobNameLabel(), e.schedule(), e.timeZone(),
                String.valueOf(e.manualFromCronJob()), String.valueOf(e.templates()));
    }

    private static long roundUp(long t) {
        return (t / TIMER_GRANULARITY_MS + 1) * TIMER_GRANULARITY_MS;
    }
}
