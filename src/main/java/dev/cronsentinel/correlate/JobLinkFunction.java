package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stage 2 of correlation, keyed by (namespace, Job name): joins a Job with the Pods the Job controller creates
 * for it. The Job comes either as a root itself (input 1: created by a user, including
 * {@code kubectl create job --from=cronjob/X}) or from the CronJob stage with its root's context (input 2).
 * Pods come on input 1. A Pod belongs to the Job when the owner uid matches (where the audit level gives
 * uids), it was created no earlier than the Job (give or take the spawn buffer) and within the Job's window,
 * which each Pod extends (retries, parallelism) up to the maximum window after the Job's creation.
 *
 * <p>What a linked Pod does depends on the root: a suspicious root's Pod sends an escalation finding (with the
 * Job's link the first time); an unscored root's Pod does so when the Pod's or the Job's own spec is suspicious;
 * a benign root's Pod stays quiet; a Pod of an unknown root sends an orphan finding for the root's CronJob name
 * when its own spec is suspicious. A Pod no Job claims waits twice the spawn buffer (its Job may itself be
 * waiting in the CronJob stage), then is judged as an orphan on its own spec.
 *
 * <p>A delete of a Job root soon after its first Pod is a hit-and-run ({@link RootLifecycle}); it is judged
 * when the watermark passes it, since the Job's create may reach this stage after it.
 *
 * <p>State: {@code job-link} ({@link JobLink}), {@code job-pending-pods} (bounded list of {@link Spawn}) and
 * {@code job-pending-delete} (the delete waiting for the watermark). Exit: the event-time timer at the Job's
 * deadline clears it; each pending Pod's timer resolves it; the delete's timer judges and clears it; TTL is only
 * a backstop. Metrics (group {@code cronsentinel}): {@code correlationLateEvents}, {@code orphanPods},
 * {@code pendingPodsOverflow}.
 */
public class JobLinkFunction extends KeyedCoProcessFunction<String, ScoredEvent, SpawnedJob, ChainFinding> {
    private static final long serialVersionUID = 1L;

    static final String JOB_STATE = "job-link";
    static final String PENDING_STATE = "job-pending-pods";
    static final String DELETE_STATE = "job-pending-delete";

    private final CorrelationConfig cfg;
    private final LinkKeys keys;

    private transient ChainWindows windows;
    private transient RootLifecycle lifecycle;
    private transient Counter hitAndRuns;
    private transient ValueState<JobLink> job;
    private transient PendingSpawns pending;
    private transient ValueState<ChainLink> pendingDelete;
    private transient long skew;
    private transient Counter late;
    private transient Counter orphans;
    private transient Counter overflow;

    public JobLinkFunction(CorrelationConfig cfg) {
        this.cfg = cfg.requireRules();
        this.keys = new LinkKeys(cfg.maxWindow().toMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new ChainWindows(cfg, new CronSchedules(cfg.controllerTimeZone()));
        lifecycle = new RootLifecycle(cfg.lifecycle());
        skew = cfg.spawnBuffer().toMillis();
        job = getRuntimeContext().getState(CorrelationState.value(JOB_STATE, JobLink.class, cfg));
        pendingDelete = getRuntimeContext().getState(CorrelationState.value(DELETE_STATE, ChainLink.class, cfg));
        pending = new PendingSpawns(getRuntimeContext().getListState(CorrelationState.list(PENDING_STATE, Spawn.class, cfg)),
                2 * skew, cfg.maxPendingSpawns());
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        late = group.counter("correlationLateEvents");
        orphans = group.counter("orphanPods");
        overflow = group.counter("pendingPodsOverflow");
        hitAndRuns = group.counter("hitAndRuns");
    }

    /** Input 1: Job roots and Pods. */
    @Override
    public void processElement1(ScoredEvent s, Context ctx, Collector<ChainFinding> out) throws Exception {
        if (!CorrelationState.admit(s, ctx.timestamp(), ctx.timerService().currentWatermark(), late,
                e -> ctx.output(CorrelationStage.LATE, e))) {
            return;
        }
        if ("jobs".equals(s.event().resource()) && s.role() == EventRole.DELETE) {
            // judged once the watermark passes it: the Job's create may still be held back by the context stage
            ChainLink waiting = pendingDelete.value();
            ChainLink delete = RootLifecycle.delete(s.event());
            if (waiting == null || delete.time() < waiting.time()) {
                pendingDelete.update(delete);
                ctx.timerService().registerEventTimeTimer(delete.time());
            }
        } else if ("jobs".equals(s.event().resource())) {
            RootContext r = RootContext.of(s);
            long deadline = windows.jobDeadline(r.time());
            replace(new JobLink(r.auditId(), r.uid(), r.time(), null, null, r.status(), r, r.resource(), r.name(),
                    deadline, deadline, true, null), ctx, out);
        } else {
            onPod(Spawn.of(s, keys, cfg.alertThreshold()), ctx, out);
        }
    }

    /** Input 2: Jobs the CronJob controller created, with their root's context. */
    @Override
    public void processElement2(SpawnedJob s, Context ctx, Collector<ChainFinding> out) throws Exception {
        Spawn j = s.job();
        long deadline = windows.jobDeadline(j.time());
        replace(new JobLink(j.auditId(), j.uid(), j.time(), j.link(), j.suspicious() ? j : null, s.status(), s.root(),
                s.rootResource(), s.rootName(), deadline, Math.max(deadline, s.expiresAt()), false, null), ctx, out);
    }

    private void replace(JobLink next, Context ctx, Collector<ChainFinding> out) throws Exception {
        JobLink current = job.value();
        if (current != null && (current.jobTime() > next.jobTime()
                || (next.jobAuditId() != null && next.jobAuditId().equals(current.jobAuditId())))) {
            return; // an older Job of the same name delivered late, or the same Job twice
        }
        store(current, next, ctx.timerService());
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
    }

    private void onPod(Spawn pod, Context ctx, Collector<ChainFinding> out) throws Exception {
        JobLink current = job.value();
        if (current != null && claims(current, pod)) {
            link(pod, current, ctx, out);
        } else if (!pending.add(pod, ctx.timerService())) {
            overflow.inc();
            unknownPod(pod, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChainFinding> out) throws Exception {
        ChainLink delete = pendingDelete.value();
        if (delete != null && delete.time() <= timestamp) {
            pendingDelete.clear();
            onDelete(delete, out);
        }
        JobLink current = pending.fire(timestamp, job.value(), owner(ctx, out), p -> unknownPod(p, out), ctx.timerService());
        if (current != null && current.deadline() <= timestamp) {
            job.clear();
        }
    }

    private boolean claims(JobLink j, Spawn pod) {
        boolean sameOwner = j.jobUid() == null || pod.ownerUid() == null || j.jobUid().equals(pod.ownerUid());
        return sameOwner && pod.time() >= j.jobTime() - skew && pod.time() <= j.deadline();
    }

    private JobLink link(Spawn pod, JobLink j, Context ctx, Collector<ChainFinding> out) throws Exception {
        long deadline = windows.jobDeadlineAfterPod(j.deadline(), j.jobTime(), pod.time());
        long expiresAt = Math.max(j.expiresAt(), deadline);
        boolean reported = j.jobReported();
        switch (j.status()) {
            case SUSPICIOUS:
                out.collect(escalation(j, null, pod, expiresAt));
                reported = true;
                break;
            case UNSCORED:
                Spawn evidence = ChainAggregate.stronger(pod.suspicious() ? pod : null, j.jobEvidence());
                if (evidence != null) {
                    out.collect(escalation(j, evidence, pod, expiresAt));
                    reported = true;
                }
                break;
            case UNKNOWN:
                if (pod.suspicious()) {
                    orphan(pod, j.rootResource(), j.rootName(), out);
                }
                break;
            case BENIGN:
            default:
                break;
        }
        JobLink next = j.afterPod(deadline, expiresAt, reported, pod.link());
        store(j, next, ctx.timerService());
        return next;
    }

    /**
     * The finding of a linked Pod: the Pod, with its Job the first time, and then too the root's resume when the
     * Job ran after it (the resume's who and when, and {@code resumed-by-other}, go with the runs it allowed).
     */
    private ChainFinding escalation(JobLink j, Spawn evidence, Spawn pod, long expiresAt) {
        if (j.jobReported() || j.jobLink() == null) {
            return ChainFinding.escalation(j.root(), evidence, List.of(pod.link()), expiresAt);
        }
        List<ChainLink> links = new ArrayList<>(List.of(j.jobLink(), pod.link()));
        List<Signal> signals = new ArrayList<>();
        lifecycle.addResume(j.root(), j.jobTime(), links, signals);
        return ChainFinding.escalation(j.root(), evidence, List.copyOf(links), expiresAt, List.copyOf(signals));
    }

    /** A delete of a Job root (one a user created): a hit-and-run when it comes soon after its first Pod. */
    private void onDelete(ChainLink e, Collector<ChainFinding> out) throws Exception {
        JobLink current = job.value();
        if (current == null || current.jobLink() != null || e.time() < current.jobTime()
                || !CronJobLinkFunction.sameUid(current.jobUid(), e.uid())) {
            return; // unknown, a CronJob's Job (its CronJob's life counts), or another Job of the same name
        }
        ChainFinding f = lifecycle.hitAndRun(current.root(), current.jobTime(), current.lastPod(), e, current.expiresAt());
        if (f != null) {
            hitAndRuns.inc();
            out.collect(f);
        }
        if (current.lastPod() != null) {
            job.update(current.deleted());
        }
    }

    /** A Pod whose Job is unknown: an orphan of the Job's CronJob when its name tells one, else of the Job. */
    private void unknownPod(Spawn pod, Collector<ChainFinding> out) {
        if (!pod.suspicious()) {
            return;
        }
        String cronJob = keys.cronJobOfJobName(pod.ownerName(), pod.time());
        if (cronJob != null) {
            orphan(pod, "cronjobs", cronJob, out);
        } else {
            orphan(pod, "jobs", pod.ownerName(), out);
        }
    }

    private void orphan(Spawn pod, String rootResource, String rootName, Collector<ChainFinding> out) {
        orphans.inc();
        out.collect(ChainFinding.orphan(pod.namespace(), rootResource, rootName, windows.orphanWindowStart(pod.time()),
                windows.orphanWindowEnd(pod.time()), pod, List.of(pod.link())));
    }

    private void store(JobLink current, JobLink next, TimerService timers) throws Exception {
        pending.moveOwnerTimer(current == null ? PendingSpawns.NO_TIMER : current.deadline(), next.deadline(), timers);
        job.update(next);
    }

    private PendingSpawns.Owner<JobLink> owner(Context ctx, Collector<ChainFinding> out) {
        return new PendingSpawns.Owner<>(this::claims, (spawn, o) -> link(spawn, o, ctx, out), JobLink::deadline);
    }
}
