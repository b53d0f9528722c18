package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.runtime.JobMetrics;
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

    static final String ROOT_STATE = "cronjob-root";
    static final String PENDING_STATE = "cronjob-pending-jobs";

    private final CorrelationConfig cfg;
    private final LinkKeys keys;

    private transient ChainWindows windows;
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
        skew = cfg.spawnBuffer().toMillis();
        root = getRuntimeContext().getState(CorrelationState.value(ROOT_STATE, CronJobRoot.class, cfg));
        pending = new PendingSpawns(getRuntimeContext().getListState(CorrelationState.list(PENDING_STATE, Spawn.class, cfg)),
                skew, cfg.maxPendingSpawns());
        MetricGroup group = JobMetrics.group(getRuntimeContext());
        late = group.counter("correlationLateEvents");
        orphans = group.counter("orphanJobs");
        overflow = group.counter("pendingJobsOverflow");
    }

    @Override
    public void processElement(ScoredEvent s, Context ctx, Collector<SpawnedJob> out) throws Exception {
        if (!CorrelationState.admit(s, ctx.timestamp(), ctx.timerService().currentWatermark(), late,
                e -> ctx.output(CorrelationStage.LATE, e))) {
            return;
        }
        if ("cronjobs".equals(s.event().resource())) {
            onRoot(RootContext.of(s), ctx, out);
        } else {
            onJob(Spawn.of(s, keys, cfg.alertThreshold()), ctx, out);
        }
    }

    private void onRoot(RootContext candidate, Context ctx, Collector<SpawnedJob> out) throws Exception {
        CronJobRoot current = root.value();
        boolean isRoot = "create".equals(candidate.verb()) || candidate.status() == RootStatus.SUSPICIOUS;
        if (!isRoot) {
            // A change that leaves the CronJob unsuspicious is no root, but it may move the known root's schedule.
            if (current != null && candidate.schedule() != null && sameObject(current.root(), candidate)
                    && candidate.time() >= current.root().time()) {
                RootContext moved = current.root().withSchedule(candidate.schedule(), candidate.timeZone());
                long deadline = Math.max(current.deadline(),
                        windows.cronJobDeadline(candidate.time(), moved.schedule(), moved.timeZone()));
                store(current, new CronJobRoot(moved, deadline), ctx.timerService());
            }
            return;
        }
        if (current != null && (current.root().time() > candidate.time()
                || (candidate.auditId() != null && candidate.auditId().equals(current.root().auditId())))) {
            return; // an older root delivered late, or the same root twice
        }
        RootContext effective = candidate;
        if (candidate.schedule() == null && current != null && sameObject(current.root(), candidate)) {
            effective = candidate.withSchedule(current.root().schedule(), current.root().timeZone());
        }
        long deadline = windows.cronJobDeadline(effective.time(), effective.schedule(), effective.timeZone());
        CronJobRoot next = new CronJobRoot(effective, deadline);
        store(current, next, ctx.timerService());
        pending.drainInto(next, owner(ctx, out), ctx.timerService());
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
        return a.uid() == null || b.uid() == null || a.uid().equals(b.uid());
    }

    private CronJobRoot link(Spawn job, CronJobRoot current, Context ctx, Collector<SpawnedJob> out) throws Exception {
        RootContext r = current.root();
        long deadline = Math.max(current.deadline(), windows.cronJobDeadline(job.time(), r.schedule(), r.timeZone()));
        CronJobRoot next = new CronJobRoot(r, deadline);
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
