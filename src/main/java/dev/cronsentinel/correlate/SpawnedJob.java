package dev.cronsentinel.correlate;

/**
 * A Job spawned by the CronJob controller, after the CronJob stage has looked for its root: handed to the Job
 * stage, where its Pods find it.
 *
 * @param root the root, null when {@code status} is UNKNOWN
 * @param rootResource {@code cronjobs}, or {@code jobs} when no CronJob name could be told (orphan grouping)
 * @param rootName the CronJob's name (the group an orphan alert is raised for)
 * @param expiresAt when the root's current window ends: the escalation stays open at least this long
 */
public record SpawnedJob(
        Spawn job, RootStatus status, RootContext root, String rootResource, String rootName, long expiresAt) {

    /** The Job stage's key: (namespace, job name). */
    public String key() {
        return LinkKeys.key(job.namespace(), job.name());
    }
}
