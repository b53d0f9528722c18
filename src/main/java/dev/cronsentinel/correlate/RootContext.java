package dev.cronsentinel.correlate;

import dev.cronsentinel.alert.AlertFactory;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.List;

/**
 * What a root (a CronJob or Job written by a human or a non-controller identity) contributes to the alert
 * its chain raises: who created it, from where, and why it is suspicious. Kept small and bounded, because one
 * copy lives in keyed state for every root in flight.
 *
 * @param time epoch millis of the root event; for an orphan group, the start of its window
 * @param schedule {@code spec.schedule} of a CronJob root, null otherwise
 * @param keepsNoHistory the root is set to leave no finished Jobs behind (a hit-and-run then weighs more)
 * @param resumed the last resume of a suspended CronJob root (who, when), null when it was never resumed; its
 *     spawns carry it into their escalation
 * @param source the managed cluster the root was written in, for the escalation alert; null for plain lines
 */
public record RootContext(
        String auditId,
        String uid,
        String namespace,
        String resource,
        String name,
        String verb,
        int responseCode,
        long time,
        String username,
        List<String> groups,
        String userAgent,
        String sourceIp,
        List<Signal> signals,
        int score,
        Severity severity,
        String ruleVersion,
        List<String> images,
        RootStatus status,
        String schedule,
        String timeZone,
        boolean keepsNoHistory,
        ChainLink resumed,
        EventSource source) {

    static final int MAX_GROUPS = 64;

    /**
     * The root context of a scored workload event. A benign root never reaches an alert, so it keeps only what
     * linking needs: most roots in flight are benign CronJobs, and this keeps their state to a few hundred bytes.
     */
    public static RootContext of(ScoredEvent s) {
        return of(s, statusOf(s));
    }

    /** The root context of a scored workload event whose status correlation decided otherwise (a partial change). */
    static RootContext of(ScoredEvent s, RootStatus status) {
        WorkloadEvent e = s.event();
        boolean alerts = status != RootStatus.BENIGN;
        return new RootContext(e.auditId(), e.uid(), e.namespace(), e.resource(), e.name(), e.verb(), e.responseCode(),
                e.eventTime(), e.username(), alerts ? bounded(e.groups(), MAX_GROUPS) : List.of(),
                alerts ? e.userAgent() : null, alerts ? e.sourceIp() : null,
                alerts && s.signals() != null ? s.signals() : List.of(), s.score(), s.severity(), s.ruleVersion(),
                alerts ? AlertFactory.images(e) : List.of(), status, e.schedule(), e.timeZone(), e.keepsNoHistory(), null,
                e.source());
    }

    /** The stand-in root of an orphan group: only where it lives and what it is called are known. */
    public static RootContext unknown(String namespace, String resource, String name, long windowStart) {
        return new RootContext(null, null, namespace, resource, name, null, 0, windowStart, null, List.of(), null, null,
                List.of(), 0, Severity.INFO, null, List.of(), RootStatus.UNKNOWN, null, null, false, null, null);
    }

    static RootStatus statusOf(ScoredEvent s) {
        if (s.event().bodiless()) {
            return s.allowlistedBy() == null ? RootStatus.UNSCORED : RootStatus.BENIGN;
        }
        return s.alertable() ? RootStatus.SUSPICIOUS : RootStatus.BENIGN;
    }

    /** What identifies the root in alert ids and keys: its audit ID, else its uid, else where and when it was written. */
    public String identity() {
        if (auditId != null) {
            return auditId;
        }
        if (uid != null) {
            return uid;
        }
        return namespace + "/" + resource + "/" + name + "@" + time;
    }

    /** This root with another schedule (a change that moved it without making the CronJob suspicious). */
    public RootContext withSchedule(String newSchedule, String newTimeZone) {
        return new RootContext(auditId, uid, namespace, resource, name, verb, responseCode, time, username, groups,
                userAgent, sourceIp, signals, score, severity, ruleVersion, images, status, newSchedule, newTimeZone,
                keepsNoHistory, resumed, source);
    }

    /** This root, resumed by the step {@code resume} (a patch or update that set {@code suspend: false}). */
    public RootContext withResumed(ChainLink resume) {
        return new RootContext(auditId, uid, namespace, resource, name, verb, responseCode, time, username, groups,
                userAgent, sourceIp, signals, score, severity, ruleVersion, images, status, schedule, timeZone,
                keepsNoHistory, resume, source);
    }

    /** This change as the root it becomes (a template change re-roots the CronJob with this status). */
    RootContext withStatus(RootStatus newStatus) {
        return new RootContext(auditId, uid, namespace, resource, name, verb, responseCode, time, username, groups,
                userAgent, sourceIp, signals, score, severity, ruleVersion, images, newStatus, schedule, timeZone,
                keepsNoHistory, resumed, source);
    }

    /** True when its spawns can escalate: its own spec alerted, or its spec was hidden and theirs decides. */
    public boolean escalates() {
        return status == RootStatus.SUSPICIOUS || status == RootStatus.UNSCORED;
    }

    static <T> List<T> bounded(List<T> in, int max) {
        if (in == null) {
            return List.of();
        }
        return in.size() <= max ? in : List.copyOf(in.subList(0, max));
    }
}
