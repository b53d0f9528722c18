package dev.cronsentinel.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the RBAC grant-then-workload sequences (keys under {@code correlation.rbac.}; docs/CORRELATION.md,
 * "RBAC grants before workloads").
 *
 * @param window a workload write within this after a sensitive grant to its actor (or its service account) is a
 *     sequence; also how long a grant, and a workload write waiting for a grant delivered late, is kept
 * @param maxGrantsPerSubject the most sensitive grants kept per subject (the newest win)
 * @param maxWritesPerSubject the most workload writes kept per key waiting for a grant delivered after them
 * @param sensitiveRoles role names (ClusterRole or Role) whose binding is sensitive, compared exactly
 * @param score the sequence alert's score (0-100); its severity is {@code high}
 * @param stateTtl processing-time TTL of the sequence state: only a backstop, timers clear it first
 */
public record RbacSequenceConfig(
        Duration window,
        int maxGrantsPerSubject,
        int maxWritesPerSubject,
        List<String> sensitiveRoles,
        int score,
        Duration stateTtl) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Elastic's sensitive roles: the built-in ClusterRoles that grant writes across a namespace or the cluster. */
    public static final List<String> DEFAULT_SENSITIVE_ROLES = List.of("cluster-admin", "admin", "edit");

    public RbacSequenceConfig {
        sensitiveRoles = List.copyOf(sensitiveRoles);
    }

    public static RbacSequenceConfig defaults() {
        return new RbacSequenceConfig(Duration.ofMinutes(10), 16, 16, DEFAULT_SENSITIVE_ROLES, 80, Duration.ofDays(1));
    }

    public static RbacSequenceConfig from(ConfigSource c) {
        RbacSequenceConfig d = defaults();
        Duration window = c.duration("correlation.rbac.window", d.window());
        if (window.isNegative() || window.isZero()) {
            throw ConfigException.forKey("correlation.rbac.window", "must be positive, got " + window);
        }
        Duration ttl = c.duration("correlation.rbac.state-ttl", d.stateTtl());
        if (ttl.compareTo(window.multipliedBy(2)) < 0) {
            throw ConfigException.forKey("correlation.rbac.state-ttl",
                    "is a backstop and must be at least twice correlation.rbac.window (" + window.multipliedBy(2) + ")");
        }
        List<String> roles = c.list("correlation.rbac.sensitive-roles", d.sensitiveRoles());
        for (String r : roles) {
            if (r.isBlank() || !r.equals(r.trim())) {
                throw ConfigException.forKey("correlation.rbac.sensitive-roles", "holds a blank or padded role name '" + r + "'");
            }
        }
        return new RbacSequenceConfig(window,
                c.intValue("correlation.rbac.max-grants-per-subject", d.maxGrantsPerSubject(), 1, 1000),
                c.intValue("correlation.rbac.max-writes-per-subject", d.maxWritesPerSubject(), 1, 1000),
                roles,
                c.intValue("correlation.rbac.score", d.score(), 0, 100),
                ttl);
    }

    /** True when a binding to this role is sensitive. */
    public boolean sensitive(String roleName) {
        return roleName != null && sensitiveRoles.contains(roleName);
    }
}
