package dev.cronsentinel.correlate;

import dev.cronsentinel.model.ChainLink;

/**
 * Keyed state of the Job stage: one Job of one (namespace, Job name) and the root it belongs to.
 *
 * @param jobLink the Job as a chain link when a CronJob spawned it; null when the Job is itself the root
 * @param jobEvidence the Job's own spawn when its spec is suspicious (an unscored root escalates on it)
 * @param rootResource with {@code rootName}: the group an orphan alert is raised for when the root is unknown
 * @param deadline until when the Job may create its next Pod
 * @param expiresAt until when the root's escalation stays open (at least {@code deadline})
 * @param jobReported true once the Job's link went to the escalation stage (it is sent with the first Pod)
 * @param lastPod the latest Pod linked to the Job, null before the first (proof that a Job root ran) and after
 *     the Job's delete (its hit-and-run was judged)
 */
public record JobLink(
        String jobAuditId,
        String jobUid,
        long jobTime,
        ChainLink jobLink,
        Spawn jobEvidence,
        RootStatus status,
        RootContext root,
        String rootResource,
        String rootName,
        long deadline,
        long expiresAt,
        boolean jobReported,
        ChainLink lastPod) {

    JobLink afterPod(long newDeadline, long newExpiresAt, boolean reported, ChainLink pod) {
        ChainLink latest = lastPod == null || pod.time() >= lastPod.time() ? pod : lastPod;
        return new JobLink(jobAuditId, jobUid, jobTime, jobLink, jobEvidence, status, root, rootResource, rootName,
                newDeadline, newExpiresAt, reported, latest);
    }

    /** The Job after its delete was judged: no second hit-and-run; its timer still ends it. */
    JobLink deleted() {
        return new JobLink(jobAuditId, jobUid, jobTime, jobLink, jobEvidence, status, root, rootResource, rootName,
                deadline, expiresAt, jobReported, null);
    }
}
