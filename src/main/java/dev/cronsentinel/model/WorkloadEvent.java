package dev.cronsentinel.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A relevant audit event (create/update/patch of a CronJob, Job or Pod, or delete of a CronJob or Job, at stage
 * ResponseComplete),
 * flattened to the fields that scoring and correlation need. Everything else in the audit JSON is dropped
 * at decode time.
 *
 * @param eventTime epoch millis of {@code stageTimestamp} (or the best timestamp the event has)
 * @param timestamp that timestamp exactly as the event wrote it
 * @param name the object name: {@code objectRef.name}, else the generated name from {@code responseObject},
 *     else {@code metadata.name}/{@code generateName} of {@code requestObject}
 * @param uid the object uid from {@code responseObject.metadata.uid} (RequestResponse level only)
 * @param responseCode HTTP status, 0 when the event has none
 * @param level the audit level ({@code Metadata}, {@code Request}, {@code RequestResponse})
 * @param truncated true when the API server dropped the bodies ({@code audit.k8s.io/truncated})
 * @param ownerKind kind of the controller owner reference ({@code CronJob}, {@code Job}), null when none
 * @param jobNameLabel the {@code job-name} label of a Pod, a fallback link to its Job
 * @param schedule {@code spec.schedule} of a CronJob
 * @param suspend {@code spec.suspend} of a CronJob as the event shows it (the stored object when the level gives
 *     it, else the request or patch); null when the event does not say (a patch that leaves it alone)
 * @param keepsNoHistory true when the object is set to leave no finished Jobs behind: a CronJob with
 *     {@code successfulJobsHistoryLimit: 0}, a Job with {@code ttlSecondsAfterFinished: 0}
 * @param manualFromCronJob true for {@code kubectl create job --from=cronjob/X}
 * @param templates every pod template found in the bodies; empty when the audit level hid them
 * @param origin source and position, for tracing an alert back to the raw log line
 * @param source the managed cluster's envelope the event was unwrapped from (GKE, AKS, EKS); null for a plain
 *     audit line
 */
public record WorkloadEvent(
        String auditId,
        long eventTime,
        String timestamp,
        String verb,
        String resource,
        String namespace,
        String name,
        String uid,
        String username,
        List<String> groups,
        String userAgent,
        String sourceIp,
        int responseCode,
        String decision,
        String level,
        boolean truncated,
        String ownerKind,
        String ownerName,
        String ownerUid,
        String jobNameLabel,
        String schedule,
        String timeZone,
        Boolean suspend,
        boolean keepsNoHistory,
        boolean manualFromCronJob,
        List<PodTemplate> templates,
        String origin,
        EventSource source) {

    /** An event read from a plain audit line, which names no managed cluster. */
    public WorkloadEvent(String auditId, long eventTime, String timestamp, String verb, String resource, String namespace,
            String name, String uid, String username, List<String> groups, String userAgent, String sourceIp,
            int responseCode, String decision, String level, boolean truncated, String ownerKind, String ownerName,
            String ownerUid, String jobNameLabel, String schedule, String timeZone, boolean manualFromCronJob,
            List<PodTemplate> templates, String origin) {
        this(auditId, eventTime, timestamp, verb, resource, namespace, name, uid, username, groups, userAgent, sourceIp,
                responseCode, decision, level, truncated, ownerKind, ownerName, ownerUid, jobNameLabel, schedule, timeZone,
                null, false, manualFromCronJob, templates, origin, null);
    }

    /** An event read from a plain audit line, with its CronJob lifecycle fields. */
    public WorkloadEvent(String auditId, long eventTime, String timestamp, String verb, String resource, String namespace,
            String name, String uid, String username, List<String> groups, String userAgent, String sourceIp,
            int responseCode, String decision, String level, boolean truncated, String ownerKind, String ownerName,
            String ownerUid, String jobNameLabel, String schedule, String timeZone, Boolean suspend,
            boolean keepsNoHistory, boolean manualFromCronJob, List<PodTemplate> templates, String origin) {
        this(auditId, eventTime, timestamp, verb, resource, namespace, name, uid, username, groups, userAgent, sourceIp,
                responseCode, decision, level, truncated, ownerKind, ownerName, ownerUid, jobNameLabel, schedule, timeZone,
                suspend, keepsNoHistory, manualFromCronJob, templates, origin, null);
    }

    /** This event as unwrapped from a managed cluster's envelope. */
    public WorkloadEvent withSource(EventSource from) {
        return new WorkloadEvent(auditId, eventTime, timestamp, verb, resource, namespace, name, uid, username, groups,
                userAgent, sourceIp, responseCode, decision, level, truncated, ownerKind, ownerName, ownerUid, jobNameLabel,
                schedule, timeZone, suspend, keepsNoHistory, manualFromCronJob, templates, origin, from);
    }

    /**
     * This event as the stages after scoring need it: each pod template keeps its path, its pod-level flags and
     * its containers' paths, names and images (per-actor context and alert documents read images) and its service
     * account (the RBAC sequences key by it); commands,
     * env, volumes and security contexts are dropped, their findings already live in the signals' evidence.
     * Why: every relevant event crosses several keyed exchanges after scoring (context, correlation,
     * grouping), each a serialization, and the env and command lists are most of its bytes.
     */
    public WorkloadEvent afterScoring() {
        if (templates == null || templates.isEmpty()) {
            return this;
        }
        List<PodTemplate> slim = new ArrayList<>(templates.size());
        for (PodTemplate t : templates) {
            List<ContainerSpec> containers = new ArrayList<>(t.containers().size());
            for (ContainerSpec c : t.containers()) {
                containers.add(new ContainerSpec(c.path(), c.name(), c.image(), List.of(), List.of(), List.of(), null, null,
                        null, null, List.of(), List.of()));
            }
            // The service account stays: the RBAC sequences key a workload by the account it runs under (issue 19).
            slim.add(new PodTemplate(t.source(), t.path(), t.hostNetwork(), t.hostPID(), t.hostIPC(), t.runAsUser(),
                    t.runAsNonRoot(), containers, List.of(), t.serviceAccountName(), null, null, null, null));
        }
        return new WorkloadEvent(auditId, eventTime, timestamp, verb, resource, namespace, name, uid, username, groups,
                userAgent, sourceIp, responseCode, decision, level, truncated, ownerKind, ownerName, ownerUid, jobNameLabel,
                schedule, timeZone, suspend, keepsNoHistory, manualFromCronJob, slim, origin, source);
    }

    /** True when the request was refused: such an event is an attempt, not a workload. */
    public boolean refused() {
        return responseCode >= 400 || "forbid".equals(decision);
    }

    /**
     * True when the audit policy hid the bodies (level Metadata, the API server truncated the event, or the
     * level is missing and a create/update carries no template), so the spec cannot be scored. A patch that simply does not touch the pod template is not bodiless.
     */
    public boolean bodiless() {
        return truncated || "Metadata".equals(level) || (level == null && noBodyOnWholeWrite());
    }

    /**
     * A create or update without any pod template although the whole object is sent: the body is missing.
     * Only consulted when the event has no {@code level} (some forwarders drop it); a patch may legitimately
     * touch no template, so a patch without a level and without a template stays a scored event.
     */
    private boolean noBodyOnWholeWrite() {
        return (templates == null || templates.isEmpty()) && ("create".equals(verb) || "update".equals(verb));
    }
}
