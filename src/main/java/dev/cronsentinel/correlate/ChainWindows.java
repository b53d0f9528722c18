package dev.cronsentinel.correlate;

import dev.cronsentinel.config.CorrelationConfig;
import java.util.OptionalLong;

/**
 * How long correlation waits, in event time. A CronJob's first Job appears at its next scheduled time, which
 * can be an hour or a day after the CronJob was created, so its window follows the schedule; everything else
 * uses the default window. Every window is capped by the maximum, which bounds the state in flight.
 */
public final class ChainWindows {
    private final long defaultWindow;
    private final long grace;
    private final long maxWindow;
    private final long orphanWindow;
    private final long maxSuspended;
    private final CronSchedules schedules;

    public ChainWindows(CorrelationConfig cfg, CronSchedules schedules) {
        this.defaultWindow = cfg.defaultWindow().toMillis();
        this.grace = cfg.scheduleGrace().toMillis();
        this.maxWindow = cfg.maxWindow().toMillis();
        this.orphanWindow = cfg.orphanWindow().toMillis();
        this.maxSuspended = cfg.lifecycle().maxSuspended().toMillis();
        this.schedules = schedules;
    }

    /**
     * Until when a CronJob seen at {@code from} (created, changed, or just spawned a Job) may spawn its next Job:
     * the next fire time after {@code from} plus the grace, at most the maximum window; the default window when
     * the schedule cannot be evaluated.
     */
    public long cronJobDeadline(long from, String schedule, String timeZone) {
        OptionalLong next = schedules.nextFireAfter(schedule, timeZone, from);
        if (next.isEmpty()) {
            return from + defaultWindow;
        }
        return Math.min(next.getAsLong() + grace, from + maxWindow);
    }

    /**
     * Until when a CronJob suspended at {@code from} (created or patched with {@code suspend: true}) is kept for
     * its resume: it spawns nothing meanwhile, so no schedule applies; the bound is the memory's.
     */
    public long suspendedDeadline(long from) {
        return from + maxSuspended;
    }

    /** Until when a Job created at {@code jobTime} may spawn its first Pod. */
    public long jobDeadline(long jobTime) {
        return jobTime + defaultWindow;
    }

    /**
     * A Job keeps making Pods while it retries or runs in parallel: each Pod extends its window by the default
     * window, never past the maximum window after the Job's creation.
     */
    public long jobDeadlineAfterPod(long current, long jobTime, long podTime) {
        return Math.max(current, Math.min(podTime + defaultWindow, jobTime + maxWindow));
    }

    /** Start of the epoch-aligned orphan window holding {@code t}. */
    public long orphanWindowStart(long t) {
        return Math.floorDiv(t, orphanWindow) * orphanWindow;
    }

    public long orphanWindowEnd(long t) {
        return orphanWindowStart(t) + orphanWindow;
    }
}
