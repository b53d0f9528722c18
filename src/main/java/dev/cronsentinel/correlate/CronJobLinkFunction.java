package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.runtime.JobMetrics;
import dev.cronsentinel.model.Signal;
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
 * <p>Lifecycle (docs/CORRELATION.md, "Lifecycle"): a change that is no new root (an unsuspicious update or
 * patch, a delete) waits until the watermark passes it and is then applied in event-time order: it may suspend
 * the root (kept up to {@code correlation.lifecycle.max-suspended}), resume it (the window restarts from the
 * resume, which goes with the Jobs that follow), move its schedule, replace its template's verdict
 * ({@link TemplateChanges}), or end it (a delete soon after the first run is a hit-and-run, sent to
 * {@link #LIFECYCLE}). A Job delivered while a change before it still waits, waits with it.
 *
 * <p>State: {@code cronjob-root} ({@link CronJobRoot}), {@code cronjob-pending-jobs} (bounded list of
 * {@link Spawn}) and {@code cronjob-pending-changes} (bounded list of {@link PendingChange}). Exit: the
 * event-time timer at the root's deadline clears the root; each pending Job's timer resolves it; each change's
 * timer applies it. A TTL is only a backstop. Metrics (group {@code cronsentinel}): {@code correlationLateEvents},
 * {@code orphanJobs}, {@code pendingJobsOverflow} (Jobs and changes), {@code cronJobResumes}, {@code hitAndRuns}.
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
    static final String CHANGES_STATE = "cronjob-pending-changes";

    private final CorrelationConfig cfg;
    private final LinkKeys keys;

    private transient ChainWindows windows;
    private transient RootLifecycle lifecycle;
    private transient Counter resumes;
    private transient Counter hitAndRuns;
    private transient ValueState<CronJobRoot> root;
    private transient PendingSpawns pending;
    private transient PendingChanges changes;
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
        changes = new PendingChanges(getRuntimeContext().getListState(
                CorrelationState.list(CHANGES_STATE, PendingChange.class, cfg)), cfg.maxPendingSpawns());
        MetricGroup group = JobMetrics.group(getRuntimeContext());
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
            return;
        }
        RootContext candidate = RootContext.of(s);
        if ("create".equals(candidate.verb()) || candidate.status() == RootStatus.SUSPICIOUS) {
            onRoot(candidate, s.event().suspend(), ctx, out);
        } else {
            PendingChange change = PendingChange.of(s);
            if (!changes.add(change, ctx.timerService())) {
                overflow.inc();
                apply(change, ctx, out); // the buffer is full: applied in arrival order
            }
        }
    }

    /** A create, or a change that makes the CronJob suspicious: a new root (of a new or of the same CronJob). */
    private void onRoot(RootContext candidate, Boolean suspend, Context ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current = root.value();
        if (current != null && (current.root().time() > candidate.time()
                || (candidate.auditId() != null && candidate.auditId().equals(current.root().auditId())))) {
            return; // an older root delivered late, or the same root twice
        }
        boolean same = current != null && sameObject(current.root(), candidate);
        if (same && !"create".equals(candidate.verb())) {
            reRoot(current, candidate, suspend, ctx, out);
            return;
        }
        RootContext effective = candidate;
        if (candidate.schedule() == null && same) {
            effective = candidate.withSchedule(current.root().schedule(), current.root().timeZone());
        }
        boolean suspended = Boolean.TRUE.equals(suspend);
        CronJobRoot next = CronJobRoot.fresh(effective, deadline(effective, suspended),
                "create".equals(candidate.verb()) ? effective.time() : RootLifecycle.UNKNOWN_CREATE, suspended);
        store(current, next, ctx.timerService());
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
    }

    /** The same CronJob re-rooted by a change: its life so far (create time, runs, suspension) goes on. */
    private void reRoot(CronJobRoot current, RootContext candidate, Boolean suspend, Context ctx, Collector<SpawnedJob> out)
            throws Exception {
        RootContext effective = candidate.schedule() != null ? candidate
                : candidate.withSchedule(current.root().schedule(), current.root().timeZone());
        boolean suspended = suspend != null ? suspend : current.suspended();
        if (current.suspended() && !suspended) {
            effective = effective.withResumed(RootLifecycle.step(ChainLink.RESUME, candidate, effective));
        }
        CronJobRoot next = current.with(effective, deadline(effective, suspended), suspended);
        store(current, next, ctx.timerService());
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
    }

    /**
     * A change that is no new root, now that the watermark has passed it: a delete (a hit-and-run when it comes
     * soon after the first run), a change of the pod template ({@link TemplateChanges}), or a lifecycle change.
     */
    private void apply(PendingChange c, Context ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current = root.value();
        RootContext change = c.change();
        if (current == null || current.deleted() || !sameObject(current.root(), change) || change.time() < current.root().time()) {
            return; // a CronJob correlation does not know (created before the job saw it), or older than its root
        }
        if (c.delete()) {
            onDelete(current, change, ctx);
            return;
        }
        RootStatus rescored = TemplateChanges.rescored(current.root().status(), c.template());
        if (rescored != null) {
            reRoot(current, change.withStatus(rescored), c.suspend(), ctx, out); // what runs from now on is this template
        } else {
            onLifecycle(current, change, c.suspend(), ctx, out);
        }
    }

    /**
     * A change that suspends the CronJob (its root then waits for the resume, bounded by
     * {@code correlation.lifecycle.max-suspended}), resumes it (the schedule-aware window restarts from the resume,
     * and the resume goes with the spawns that follow), or moves its schedule.
     */
    private void onLifecycle(CronJobRoot current, RootContext change, Boolean suspend, Context ctx, Collector<SpawnedJob> out)
            throws Exception {
        RootContext r = current.root();
        if (change.schedule() != null) {
            r = r.withSchedule(change.schedule(), change.timeZone());
        }
        boolean suspended = suspend != null ? suspend : current.suspended();
        long deadline;
        boolean resumed = false;
        if (suspended) {
            deadline = current.suspended() ? current.deadline() : windows.suspendedDeadline(change.time());
        } else if (current.suspended()) {
            r = r.withResumed(RootLifecycle.step(ChainLink.RESUME, change, r));
            deadline = windows.cronJobDeadline(change.time(), r.schedule(), r.timeZone());
            resumed = true;
            resumes.inc();
        } else if (change.schedule() != null) {
            // judged by the schedule that will run from now on; a Job of the old one may still be in flight
            deadline = Math.max(windows.cronJobDeadline(change.time(), r.schedule(), r.timeZone()), change.time() + skew);
        } else {
            return; // nothing correlation keeps has changed
        }
        CronJobRoot next = current.with(r, deadline, suspended);
        store(current, next, ctx.timerService());
        if (resumed) {
            lateResume(next, ctx);
        }
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
    }

    /**
     * A resume applied after a Job it let run had been linked (the Job came before the watermark passed the
     * resume, and the root saw no change pending then): that Job's escalation went out without the resume, so the
     * resume follows it on its own, with the Job as the spawn it belongs to.
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
    private void onDelete(CronJobRoot current, RootContext delete, Context ctx) throws Exception {
        ChainFinding f = lifecycle.hitAndRun(current.root(), current.createdAt(), current.lastSpawn(),
                RootLifecycle.step(ChainLink.DELETE, delete, current.root()), current.deadline());
        if (f != null) {
            hitAndRuns.inc();
            ctx.output(LIFECYCLE, f);
        }
        // Gone: only Jobs already in flight can still arrive.
        store(current, current.deletedAt(Math.min(current.deadline(), delete.time() + skew)), ctx.timerService());
    }

    private void onJob(Spawn job, Context ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current = root.value();
        if (current != null && claimsNow(current, job)) {
            link(job, current, ctx, out);
        } else if (!pending.add(job, ctx.timerService())) {
            overflow.inc();
            unknown(job, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SpawnedJob> out) throws Exception {
        for (PendingChange c : changes.takeDue(timestamp)) {
            apply(c, ctx, out); // changes first: a Job due at the same time came after them
        }
        CronJobRoot current =
                pending.fire(timestamp, root.value(), owner(ctx, out), p -> unknown(p, ctx, out), ctx.timerService());
        if (current != null && current.deadline() <= timestamp) {
            root.clear();
        }
    }

    /** Does the root claim this Job: same object (by uid when both have one), not before it, within its window? */
    /** Claims, and no change of the CronJob before the Job still waits to be applied (the Job ran what it made). */
    private boolean claimsNow(CronJobRoot r, Spawn job) throws Exception {
        return claims(r, job) && !changes.anyBefore(job.time());
    }

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
        return new PendingSpawns.Owner<>(this::claimsNow, (spawn, o) -> link(spawn, o, ctx, out), CronJobRoot::deadline);
    }
}
