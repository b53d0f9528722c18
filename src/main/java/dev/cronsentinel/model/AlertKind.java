package dev.cronsentinel.model;

/** What an alert reports. The lower-case name is the {@code kind} field of the alert document. */
public enum AlertKind {
    /** A suspicious CronJob/Job/Pod was created or changed. */
    WORKLOAD,
    /** A suspicious request was refused by the API server. */
    ATTEMPT,
    /** A CronJob/Job was written, but the audit policy hid its spec, so it could not be scored. */
    UNSCORED,
    /** A suspicious root whose Jobs and Pods actually spawned. */
    ESCALATION,
    /** A suspicious spawn whose root the job never saw. */
    ORPHAN,
    /** A row of a seed-query compatibility profile ({@code splunk}, {@code sumo}). */
    COMPAT,
    /**
     * A CronJob/Job/Pod write that the byte scan recognised but that could not be decoded (too large,
     * malformed, past a limit, wrongly typed): the spec is unknown, the write is not ignored. Last, so the
     * ordinals of the kinds before it stay as they were.
     */
    UNDECODABLE,
    /**
     * A sensitive RBAC grant followed, within {@code correlation.rbac.window}, by a CronJob/Job/Pod write by its
     * subject or grantor, or running under the service account it was granted to. Last, like UNDECODABLE.
     */
    SEQUENCE;

    /** The wire name: alert JSON writes enums through {@code toString()}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
