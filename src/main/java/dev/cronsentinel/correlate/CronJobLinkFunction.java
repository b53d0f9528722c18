package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Stage 1 of correlation, keyed by (namespace, CronJob name): joins a CronJob root with the Jobs the CronJob
 * controller creates for it, and hands every such Job, with what is known of its root, to the Job stage.
 *
 * <p>Roots: a CronJob create (suspicious, unscored or benign), or an update/patch that makes the CronJob
 * suspicious. A later root of the same key replaces an earlier one (recreated or re-patched CronJob). Refused
 * writes never get here ({@link LinkKeys#toCronJobStage}). A Job belongs to the root when the owner uid
 * matches (where the audit level gives uids), it was created no earlier than the root (give or take the
 * spawn buffer), and within the root's window. The window ends at the next fire time of the CronJob's
 * schedule plus the grace (capped), and each Job moves it on to the following fire time.
 *
 * <p>A Job no root claims waits up to the spawn buffer for its root (out-of-order delivery); then its root is
 * unknown: it goes on with status UNKNOWN and, when its own spec is suspicious, raises an orphan finding
 * ({@link #ORPHANS}) for its CronJob name.
 *
 * <p>State: {@code cronjob-root} ({@link CronJobRoot}) and {@code cronjob-pending-jobs} (bounded list of
 * {@link Spawn}). Exit: the event-time timer at the root's deadline clears the root; each pending Job's timer
 * resolves it. A TTL is only a backstop. Metrics (group {@code cronsentinel}): {@code correlationLateEvents},
 * {@code orphanJobs}, {@code pendingJobsOverflow}.
 */
public class CronJobLinkFunction extends KeyedProcessFunction<String, ScoredEvent, SpawnedJob> {
    private static final long serialVersionUID = 1L;

    /** Orphan findings for Jobs of unknown CronJobs; unioned into the escalation stage's input. */
    public static final OutputTag<ChainFinding> ORPHANS =
            new OutputTag<>("correlation-orphan-jobs", TypeInformation.of(ChainFinding.class));

    /** Lifecycle findings of CronJob roots (hit-and-run, a resume delivered late); unioned into the escalation stage's input. */
    public static final OutputTag<ChainFinding> LIFECYCLE =
            new OutputTag<>("correlation-cronjob-lifecycle", TypeInformation.of(ChainFinding.class));

    static final String ROOT_STATE = "cronjob-root";
    static final String PENDING_STATE = "cronjob-pending-jobs";

    private final CorrelationConfig cfg;
    private final LinkKeys keys;

    private transient ChainWindows windows;
    private transient RootLifecycle lifecycle;
    private transient Counter resumes;
    private transient Counter hitAndRuns;
    private transient ValueState<CronJobRoot> root;
    private transient PendingSpawns pending;
    private transient long skew;
    private transient Counter late;
    private transient Counter orphans;
    private transient Counter overflow;

    public CronJobLinkFunction(CorrelationConfig cfg) {
        this.cfg = cfg.requireRules();
        this.keys = new LinkKeys(cfg.maxWindow().toMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new ChainWindows(cfg, new CronSchedules(cfg.controllerTimeZone()));
        lifecycle = new RootLifecycle(cfg.lifecycle());
        skew = cfg.spawnBuffer().toMillis();
        root = getRuntimeContext().getState(CorrelationState.value(ROOT_STATE, CronJobRoot.class, cfg));
        pending = new PendingSpawns(getRuntimeContext().getListState(CorrelationState.list(PENDING_STATE, Spawn.class, cfg)),
                skew, cfg.maxPendingSpawns());
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("cronsentinel");
        late = group.counter("correlationLateEvents");
        orphans = group.counter("orphanJobs");
        overflow = group.counter("pendingJobsOverflow");
        resumes = group.counter("cronJobResumes");
        hitAndRuns = group.counter("hitAndRuns");
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx, Collector<SpawnedJob> out) throws Exception {
        if (!CorrelationState.admit(s, ctx.timestamp(), ctx.timerService().currentWatermark(), late,
                e -> ctx.output(CorrelationStage.LATE, e))) {
            return;
        }
        if (!"cronjobs".equals(s.event().resource())) {
            onJob(Spawn.of(s, keys, cfg.alertThreshold()), ctx, out);
        } else if (s.role() == EventRole.DELETE) {
            onDelete(s.event(), ctx);
        } else {
            onWrite(s, ctx, out);
        }
    }

    /** A create, update or patch of the CronJob by a non-controller: a new root, or a change of the known one. */
    private void onWrite(ScoredEvent s, Context ctx, Collector<SpawnedJob> out) throws Exception {
        WorkloadEvent e = s.event();
        RootContext candidate = RootContext.of(s);
        CronJobRoot current = root.value();
        boolean create = "create".equals(candidate.verb());
        boolean change = !create && current != null && sameObject(current.root(), candidate)
                && candidate.time() >= current.root().time();
        if (change && candidate.status() != RootStatus.SUSPICIOUS) {
            RootStatus rescored = TemplateChanges.rescored(current.root(), e);
            if (rescored == null) {
                onLifecycle(current, candidate, e, ctx);
                return;
            }
            candidate = RootContext.of(s, rescored); // what runs from now on is this change's template
        } else if (!create && candidate.status() != RootStatus.SUSPICIOUS) {
            return; // a change that leaves an unknown CronJob unsuspicious is no root
        }
        if (current != null && (current.root().time() > candidate.time()
                || (candidate.auditId() != null && candidate.auditId().equals(current.root().auditId())))) {
            return; // an older root delivered late, or the same root twice
        }
        RootContext effective = candidate;
        if (candidate.schedule() == null && current != null && sameObject(current.root(), candidate)) {
            effective = candidate.withSchedule(current.root().schedule(), current.root().timeZone());
        }
        CronJobRoot next;
        if (change) {
            // The same CronJob, re-rooted by a change: its life so far (create time, runs, suspension) goes on.
            boolean suspended = e.suspend() != null ? e.suspend() : current.suspended();
            if (current.suspended() && !suspended) {
                effective = effective.withResumed(RootLifecycle.resume(e, effective));
            }
            next = current.with(effective, deadline(effective, suspended), suspended);
        } else {
            boolean suspended = Boolean.TRUE.equals(e.suspend());
            next = CronJobRoot.fresh(effective, deadline(effective, suspended),
                    create ? effective.time() : RootLifecycle.UNKNOWN_CREATE, suspended);
        }
        store(current, next, ctx.timerService());
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
    }

    /**
     * A change that is no new root: it may suspend the CronJob (its root then waits for the resume, bounded by
     * {@code correlation.lifecycle.max-suspended}), resume it (the schedule-aware window restarts from the resume,
     * and the resume goes with the spawns that follow), or move its schedule.
     */
    private void onLifecycle(CronJobRoot current, RootContext candidate, WorkloadEvent e, Context ctx) throws Exception {
        RootContext r = current.root();
        if (candidate.schedule() != null) {
            r = r.withSchedule(candidate.schedule(), candidate.timeZone());
        }
        boolean suspended = e.suspend() != null ? e.suspend() : current.suspended();
        long deadline;
        boolean resumed = false;
        if (suspended) {
            deadline = current.suspended() ? current.deadline() : windows.suspendedDeadline(candidate.time());
        } else if (current.suspended()) {
            r = r.withResumed(RootLifecycle.resume(e, r));
            deadline = windows.cronJobDeadline(candidate.time(), r.schedule(), r.timeZone());
            resumed = true;
            resumes.inc();
        } else if (candidate.schedule() != null) {
            // judged by the schedule that will run from now on; a Job of the old one may still be in flight
            deadline = Math.max(windows.cronJobDeadline(candidate.time(), r.schedule(), r.timeZone()), candidate.time() + skew);
        } else {
            return; // nothing correlation keeps has changed
        }
        CronJobRoot next = current.with(r, deadline, suspended);
        store(current, next, ctx.timerService());
        if (resumed) {
            lateResume(next, ctx);
        }
    }

    /**
     * A resume delivered after a Job it let run (out-of-order delivery): that Job's escalation went out without
     * the resume, so the resume follows it on its own, with the Job as the spawn it belongs to.
     */
    private void lateResume(CronJobRoot r, Context ctx) {
        ChainLink resume = r.root().resumed();
        if (r.root().status() != RootStatus.SUSPICIOUS || r.lastSpawn() == null || r.lastSpawn().time() < resume.time()) {
            return;
        }
        List<ChainLink> links = new ArrayList<>(List.of(r.lastSpawn()));
        List<Signal> signals = new ArrayList<>();
        lifecycle.addResume(r.root(), r.lastSpawn().time(), links, signals);
        ctx.output(LIFECYCLE, ChainFinding.escalation(r.root(), null, List.copyOf(links), r.deadline(), List.copyOf(signals)));
    }

    /** A delete of the CronJob: a hit-and-run when it comes soon after the root's first run; the root then ends. */
    private void onDelete(WorkloadEvent e, Context ctx) throws Exception {
        CronJobRoot current = root.value();
        if (current == null || current.deleted() || e.eventTime() < current.root().time()
                || !sameUid(current.root().uid(), e.uid())) {
            return;
        }
        ChainFinding f = lifecycle.hitAndRun(current.root(), current.createdAt(), current.lastSpawn(), e, current.deadline());
        if (f != null) {
            hitAndRuns.inc();
            ctx.output(LIFECYCLE, f);
        }
        // Gone: only Jobs already in flight can still arrive.
        store(current, current.deletedAt(Math.min(current.deadline(), e.eventTime() + skew)), ctx.timerService());
    }

    private void onJob(Spawn job, Context ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current = root.value();
        if (current != null && claims(current, job)) {
            link(job, current, ctx, out);
        } else if (!pending.add(job, ctx.timerService())) {
            overflow.inc();
            unknown(job, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current =
                pending.fire(timestamp, root.value(), owner(ctx, out), p -> unknown(p, ctx, out), ctx.timerService());
        if (current != null && current.deadline() <= timestamp) {
            root.clear();
        }
    }

    /** Does the root claim this Job: same object (by uid when both have one), not before it, within its window? */
    private boolean claims(CronJobRoot r, Spawn job) {
        boolean sameOwner = r.root().uid() == null || job.ownerUid() == null || r.root().uid().equals(job.ownerUid());
        return sameOwner && job.time() >= r.root().time() - skew && job.time() <= r.deadline();
    }

    private static boolean sameObject(RootContext a, RootContext b) {
        return sameUid(a.uid(), b.uid());
    }

    static boolean sameUid(String a, String b) {
        return a == null || b == null || a.equals(b);
    }

    private long deadline(RootContext r, boolean suspended) {
        return suspended ? windows.suspendedDeadline(r.time()) : windows.cronJobDeadline(r.time(), r.schedule(), r.timeZone());
    }

    private CronJobRoot link(Spawn job, CronJobRoot current, Context ctx, Collector<SpawnedJob> out) throws Exception {
        RootContext r = current.root();
        long deadline = Math.max(current.deadline(), windows.cronJobDeadline(job.time(), r.schedule(), r.timeZone()));
        CronJobRoot next = current.spawned(job.link(), deadline);
        store(current, next, ctx.timerService());
        out.collect(new SpawnedJob(job, r.status(), r, r.resource(), r.name(), deadline));
        return next;
    }

    private void unknown(Spawn job, Context ctx, Collector<SpawnedJob> out) {
        String cronJob = job.ownerName();
        String groupResource = cronJob != null ? "cronjobs" : "jobs";
        String groupName = cronJob != null ? cronJob : job.name();
        out.collect(new SpawnedJob(job, RootStatus.UNKNOWN, null, groupResource, groupName, windows.jobDeadline(job.time())));
        if (job.suspicious()) {
            orphans.inc();
            ctx.output(ORPHANS, ChainFinding.orphan(job.namespace(), groupResource, groupName,
                    windows.orphanWindowStart(job.time()), windows.orphanWindowEnd(job.time()), job, List.of(job.link())));
        }
    }

    private void store(CronJobRoot current, CronJobRoot next, TimerService timers) throws Exception {
        pending.moveOwnerTimer(current == null ? PendingSpawns.NO_TIMER : current.deadline(), next.deadline(), timers);
        root.update(next);
    }

    private PendingSpawns.Owner<CronJobRoot> owner(Context ctx, Collector<SpawnedJob> out) {
        return new PendingSpawns.Owner<>(this::claims, (spawn, o) -> link(spawn, o, ctx, out), CronJobRoot::deadline);
    }
}
