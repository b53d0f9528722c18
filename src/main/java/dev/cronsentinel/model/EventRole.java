package dev.cronsentinel.model;

/** What a decoded workload event means for detection. */
public enum EventRole {
    /** A create/update/patch of a CronJob, Job or bare Pod by a human or a non-controller identity. */
    WORKLOAD,
    /** A Job or Pod created by the CronJob or Job controller: it never alerts alone, correlation folds it into its root. */
    SPAWN,
    /** A request the API server refused (code >= 400 or decision forbid): reported as an attempt, never correlated. */
    ATTEMPT,
    /**
     * A delete of a CronJob or Job by anyone but the controllers (their deletes are housekeeping): never scored
     * and never alerting alone; correlation reads it as the end of a root's life (hit-and-run).
     */
    DELETE;

    /** The wire name: alert JSON writes enums through {@code toString()}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
