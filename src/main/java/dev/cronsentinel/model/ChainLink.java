package dev.cronsentinel.model;

/**
 * One step of an escalated chain: a Job the CronJob controller made, a Pod the Job controller made, or a
 * lifecycle step of the root itself (its resume, its delete), which names who took it.
 *
 * @param verb null for a spawn (a create by a controller); for a lifecycle step {@link #RESUME} or
 *     {@link #DELETE}; in a sequence alert {@link #GRANT}, then the workload write's own verb
 * @param username who took a lifecycle step; null for a spawn
 * @param auditId the audit ID of a lifecycle step's request; null for a spawn
 */
public record ChainLink(String resource, String name, String uid, long time, String verb, String username, String auditId) {
    public static final String RESUME = "resume";
    public static final String DELETE = "delete";
    /** The RBAC binding write that opened a sequence (its resource is the binding's, its username the grantor). */
    public static final String GRANT = "grant";

    /** A spawned Job or Pod. */
    public ChainLink(String resource, String name, String uid, long time) {
        this(resource, name, uid, time, null, null, null);
    }

    /** A lifecycle step of a root (resume, delete): {@code verb} says which. */
    public static ChainLink step(String verb, String resource, String name, String uid, long time, String username, String auditId) {
        return new ChainLink(resource, name, uid, time, verb, username, auditId);
    }

    /** True for a spawned Job or Pod, false for a lifecycle step. */
    public boolean spawn() {
        return verb == null;
    }
}
