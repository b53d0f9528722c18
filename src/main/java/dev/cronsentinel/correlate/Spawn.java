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
 * A Job the CronJob controller created, or a Pod the Job controller created, reduced to what linking and
 * orphan alerts need. Buffered spawns are held in this form, not as the full scored event with its templates.
 *
 * @param ownerName the CronJob (for a Job) or Job (for a Pod) it belongs to, from the owner reference, the
 *     {@code job-name} label or the generated name; null when none of them tells
 * @param ownerUid the owner reference's uid, when the audit level gives it
 * @param suspicious true when its own spec scores at or above the alert threshold (orphans are judged on this)
 * @param source the managed cluster the spawn was written in, for the orphan alert; null for plain lines
 */
public record Spawn(
        String auditId,
        String resource,
        String namespace,
        String name,
        String uid,
        String ownerName,
        String ownerUid,
        long time,
        String username,
        List<String> groups,
        String userAgent,
        String sourceIp,
        int responseCode,
        List<Signal> signals,
        int score,
        Severity severity,
        String ruleVersion,
        List<String> images,
        boolean suspicious,
        EventSource source) {

    /** The spawn of a scored SPAWN event, judged on its own spec against {@code alertThreshold}. */
    public static Spawn of(ScoredEvent s, LinkKeys keys, int alertThreshold) {
        WorkloadEvent e = s.event();
        boolean job = "jobs".equals(e.resource());
        String owner = job ? keys.cronJobOf(e) : keys.jobOf(e);
        String ownerKind = job ? "CronJob" : "Job";
        String ownerUid = ownerKind.equals(e.ownerKind()) ? e.ownerUid() : null;
        boolean suspicious = !e.bodiless() && s.score() >= alertThreshold;
        return new Spawn(e.auditId(), e.resource(), e.namespace(), e.name(), e.uid(), owner, ownerUid, e.eventTime(),
                e.username(), RootContext.bounded(e.groups(), RootContext.MAX_GROUPS), e.userAgent(), e.sourceIp(),
                e.responseCode(), s.signals() == null ? List.of() : s.signals(), s.score(), s.severity(), s.ruleVersion(),
                AlertFactory.images(e), suspicious, e.source());
    }

    public ChainLink link() {
        return new ChainLink(resource, name, uid, time);
    }
}
