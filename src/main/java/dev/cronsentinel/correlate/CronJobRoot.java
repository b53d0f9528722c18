package dev.cronsentinel.correlate;

import dev.cronsentinel.model.ChainLink;

/**
 * Keyed state of the CronJob stage: the current root of one (namespace, CronJob name) and where it is in its
 * life.
 *
 * @param deadline until when the CronJob may spawn its next Job (its next fire time plus the grace, capped);
 *     each spawn moves it to the following fire time, so a CronJob that keeps firing keeps its root, and one
 *     that stops loses it one period later. While suspended: the suspend plus {@code correlation.lifecycle.max-suspended}
 * @param createdAt event time of the CronJob's create, {@link RootLifecycle#UNKNOWN_CREATE} when the root was
 *     first seen by an update or patch (it was created before the job saw it)
 * @param suspended {@code spec.suspend} is true: the root waits for its resume, not for a fire time
 * @param lastSpawn the latest Job linked to the root, null before the first: proof that it ran
 * @param deleted the CronJob was deleted; the root only waits for Jobs already in flight
 */
public record CronJobRoot(RootContext root, long deadline, long createdAt, boolean suspended, ChainLink lastSpawn,
                          boolean deleted) {

    /** A root as its first event leaves it. */
    static CronJobRoot fresh(RootContext root, long deadline, long createdAt, boolean suspended) {
        return new CronJobRoot(root, deadline, createdAt, suspended, null, false);
    }

    CronJobRoot with(RootContext newRoot, long newDeadline, boolean nowSuspended) {
        return new CronJobRoot(newRoot, newDeadline, createdAt, nowSuspended, lastSpawn, deleted);
    }

    CronJobRoot spawned(ChainLink job, long newDeadline) {
        ChainLink latest = lastSpawn == null || job.time() >= lastSpawn.time() ? job : lastSpawn;
        return new CronJobRoot(root, newDeadline, createdAt, suspended, latest, deleted);
    }

    CronJobRoot deletedAt(long newDeadline) {
        return new CronJobRoot(root, newDeadline, createdAt, suspended, lastSpawn, true);
    }
}
