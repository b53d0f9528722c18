package dev.cronsentinel.correlate;

import dev.cronsentinel.config.RbacSequenceConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.runtime.StateTtlBackstop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sensitive RBAC grants followed by workload writes (issue 19 item 2), keyed by identity: a subject's (or a
 * grantor's) name, or a service account's {@code system:serviceaccount:<namespace>:<name>}.
 *
 * <p>Input 1 is the sensitive grants (a binding to a role in {@code correlation.rbac.sensitive-roles}), each under
 * its subject and, when another identity granted it, under its grantor too. Input 2 is the workload writes
 * ({@link WorkloadWrite}), each under its actor and under the service accounts its pod templates run under. A
 * sequence is a grant and a write under one key with the write at most {@code correlation.rbac.window} after the
 * grant:
 * <ul>
 *   <li>{@code granted-to-writer}: the writer was granted the role (a user binding themselves to cluster-admin);</li>
 *   <li>{@code granted-by-writer}: the writer granted it to someone else (Elastic's form: the same user made the RBAC
 *       change and the workload);</li>
 *   <li>{@code granted-to-service-account}: the workload runs under a service account that was granted it, whoever
 *       wrote the workload; the alert names both the granting actor and the writer.</li>
 * </ul>
 * Arrival order does not matter: both sides are kept until the window after them has passed, so a grant delivered
 * after its workload (they come by different paths) still meets it; each pair is matched once, when the later of
 * the two arrives. One alert per pair, id {@code AlertIds.of(SEQUENCE, grant audit ID, write audit ID, rule, key,
 * rule version)}: a replay overwrites it.
 *
 * <p>State per key: at most {@code max-grants-per-subject} grants and {@code max-writes-per-subject} writes (the
 * newest by event time win), each cleared by an event-time timer at its time plus the window; the processing-time
 * TTL ({@code correlation.rbac.state-ttl}) is only a backstop.
 */
public class GrantSequenceFunction extends KeyedCoProcessFunction<String, KeyedGrant, WorkloadWrite, Alert> {
    private static final long serialVersionUID = 1L;

    public static final String SIGNAL = "rbac-grant-then-workload";
    public static final String GRANTED_TO_WRITER = "granted-to-writer";
    public static final String GRANTED_BY_WRITER = "granted-by-writer";
    public static final String GRANTED_TO_SERVICE_ACCOUNT = "granted-to-service-account";

    private final RbacSequenceConfig cfg;
    private final String profile;
    private final long window;

    private transient ListState<RbacGrant> grants;
    private transient ListState<WorkloadWrite> writes;
    private transient Counter sequences;

    public GrantSequenceFunction(RbacSequenceConfig cfg, String profile) {
        this.cfg = cfg;
        this.profile = profile;
        this.window = cfg.window().toMillis();
    }

    static ListStateDescriptor<RbacGrant> grantsDescriptor(RbacSequenceConfig cfg) {
        ListStateDescriptor<RbacGrant> d = new ListStateDescriptor<>("rbac-sensitive-grants", TypeInformation.of(RbacGrant.class));
        d.enableTimeToLive(StateTtlBackstop.of(cfg.stateTtl()));
        return d;
    }

    static ListStateDescriptor<WorkloadWrite> writesDescriptor(RbacSequenceConfig cfg) {
        ListStateDescriptor<WorkloadWrite> d = new ListStateDescriptor<>("rbac-workload-writes", TypeInformation.of(WorkloadWrite.class));
        d.enableTimeToLive(StateTtlBackstop.of(cfg.stateTtl()));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        grants = getRuntimeContext().getListState(grantsDescriptor(cfg));
        writes = getRuntimeContext().getListState(writesDescriptor(cfg));
        sequences = JobMetrics.group(getRuntimeContext()).counter("rbacSequences");
    }

    @Override
    public void processElement1(KeyedGrant keyed, Context ctx, Collector<Alert> out) throws Exception {
        String key = ctx.getCurrentKey();
        RbacGrant grant = keyed.grant();
        for (WorkloadWrite w : writes.get()) {
            emitIfSequence(key, grant, w, out);
        }
        List<RbacGrant> kept = keep(grants.get(), grant, cfg.maxGrantsPerSubject(), ctx, grant.eventTime(),
                Comparator.comparingLong(RbacGrant::eventTime));
        if (kept != null) {
            grants.update(kept);
        }
    }

    @Override
    public void processElement2(WorkloadWrite write, Context ctx, Collector<Alert> out) throws Exception {
        String key = ctx.getCurrentKey();
        for (RbacGrant g : grants.get()) {
            emitIfSequence(key, g, write, out);
        }
        List<WorkloadWrite> kept = keep(writes.get(), write, cfg.maxWritesPerSubject(), ctx, write.eventTime(),
                Comparator.comparingLong(WorkloadWrite::eventTime));
        if (kept != null) {
            writes.update(kept);
        }
    }

    /**
     * The list with {@code item} added (the newest {@code max} by time), or null when nothing changes: an exact
     * duplicate, or an item whose window has already passed the watermark (it was matched, and is not kept).
     */
    private <T> List<T> keep(Iterable<T> current, T item, int max, Context ctx, long time, Comparator<T> byTime) {
        if (time + window <= ctx.timerService().currentWatermark()) {
            return null;
        }
        List<T> list = new ArrayList<>();
        for (T t : current) {
            if (t.equals(item)) {
                return null;
            }
            list.add(t);
        }
        list.add(item);
        if (list.size() > max) {
            list.sort(byTime);
            list = new ArrayList<>(list.subList(list.size() - max, list.size()));
        }
        ctx.timerService().registerEventTimeTimer(time + window);
        return list;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        prune(grants, RbacGrant::eventTime, timestamp);
        prune(writes, WorkloadWrite::eventTime, timestamp);
    }

    /** Drops the entries whose window has ended by {@code timestamp}; clears the state when none is left. */
    private <T> void prune(ListState<T> state, ToLongFunction<T> time, long timestamp) throws Exception {
        List<T> live = new ArrayList<>();
        for (T t : state.get()) {
            if (time.applyAsLong(t) + window > timestamp) {
                live.add(t);
            }
        }
        if (live.isEmpty()) {
            state.clear();
        } else {
            state.update(live);
        }
    }

    private void emitIfSequence(String key, RbacGrant g, WorkloadWrite w, Collector<Alert> out) {
        long gap = w.eventTime() - g.eventTime();
        if (gap < 0 || gap > window) {
            return;
        }
        String rule = rule(key, g, w);
        if (rule == null) {
            return;
        }
        sequences.inc();
        out.collect(alert(key, rule, g, w, gap));
    }

    /** How the grant and the write meet under {@code key}, or null when they do not. */
    static String rule(String key, RbacGrant g, WorkloadWrite w) {
        if (WorkloadWrite.SERVICE_ACCOUNT.equals(w.form())) {
            return key.equals(g.subject()) ? GRANTED_TO_SERVICE_ACCOUNT : null;
        }
        if (key.equals(g.subject())) {
            return GRANTED_TO_WRITER;
        }
        return key.equals(g.actor()) ? GRANTED_BY_WRITER : null;
    }

    private Alert alert(String key, String rule, RbacGrant g, WorkloadWrite w, long gap) {
        String evidence = g.roleRefKind() + "/" + g.roleRefName() + " bound to " + g.subject() + " by " + g.actor()
                + " (" + g.resource() + " " + (g.namespace() == null ? "" : g.namespace() + "/") + g.name() + ", audit ID "
                + g.auditId() + "), " + (gap / 1000) + "s before";
        Signal signal = new Signal(SIGNAL, rule, cfg.score(), "roleRef.name", evidence);
        List<ChainLink> chain = List.of(
                ChainLink.step(ChainLink.GRANT, g.resource(), g.name(), null, g.eventTime(), g.actor(), g.auditId()),
                ChainLink.step(w.verb(), w.resource(), w.name(), null, w.eventTime(), w.username(), w.auditId()));
        String id = AlertIds.of(AlertKind.SEQUENCE, g.auditId(), w.auditId(), rule, key, w.ruleVersion());
        return new Alert(id, AlertKind.SEQUENCE, profile, w.ruleVersion(), w.eventTime(), Instant.ofEpochMilli(w.eventTime()).toString(),
                w.auditId(), w.username(), List.of(), w.userAgent(), w.sourceIp(), w.namespace(), w.resource(), w.name(),
                w.verb(), w.responseCode(), List.of(signal), cfg.score(), Severity.HIGH, Alert.TECHNIQUE_ID, Alert.TACTICS,
                List.of(), 1, g.eventTime(), w.eventTime(), chain, null, null);
    }
}
