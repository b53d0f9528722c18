package dev.cronsentinel.model;

import java.util.List;

/**
 * One alert document, the unit every sink writes. Sinks are idempotent on {@link #alertId()}: it is derived
 * from the finding's group (actor, namespace, evidence and grouping period; see AlertGroupingFunction) or the
 * chain root, and the rule version, so a replay of the same input overwrites rather than duplicates.
 *
 * @param eventTime epoch millis of the event that raised it (for an escalation: the latest spawn)
 * @param timestamp {@code eventTime} as ISO-8601 UTC
 * @param techniqueId {@link #TECHNIQUE_ID}, or {@link #DEPLOY_CONTAINER_ID} for a bare Pod a person created;
 *     written out so every sink carries the MITRE mapping
 * @param tactics always {@link #TACTICS}
 * @param images the container images of the workload, for ECS {@code container.image.name}
 * @param count how many findings this alert stands for (grouped repeats, or spawns in a chain)
 * @param chain the spawned Jobs and Pods of an escalation, empty otherwise
 * @param timeToFirstSpawnMillis for an escalation, root creation to first spawn; null otherwise
 * @param compat the seed query's row, set only by the {@code splunk} and {@code sumo} profiles
 * @param source the managed cluster the event came from (GKE, AKS, EKS envelope); null for plain audit lines
 */
public record Alert(
        String alertId,
        AlertKind kind,
        String profile,
        String ruleVersion,
        long eventTime,
        String timestamp,
        String auditId,
        String username,
        List<String> groups,
        String userAgent,
        String sourceIp,
        String namespace,
        String resource,
        String name,
        String verb,
        int responseCode,
        List<Signal> signals,
        int score,
        Severity severity,
        String techniqueId,
        List<String> tactics,
        List<String> images,
        long count,
        long firstSeen,
        long lastSeen,
        List<ChainLink> chain,
        Long timeToFirstSpawnMillis,
        SeedRow compat,
        EventSource source) {

    /** An alert about an event read from a plain audit line, which names no managed cluster. */
    public Alert(String alertId, AlertKind kind, String profile, String ruleVersion, long eventTime, String timestamp,
            String auditId, String username, List<String> groups, String userAgent, String sourceIp, String namespace,
            String resource, String name, String verb, int responseCode, List<Signal> signals, int score, Severity severity,
            String techniqueId, List<String> tactics, List<String> images, long count, long firstSeen, long lastSeen,
            List<ChainLink> chain, Long timeToFirstSpawnMillis, SeedRow compat) {
        this(alertId, kind, profile, ruleVersion, eventTime, timestamp, auditId, username, groups, userAgent, sourceIp,
                namespace, resource, name, verb, responseCode, signals, score, severity, techniqueId, tactics, images, count,
                firstSeen, lastSeen, chain, timeToFirstSpawnMillis, compat, null);
    }

    public static final String TECHNIQUE_ID = "T1053.007";
    public static final String TECHNIQUE_NAME = "Container Orchestration Job";
    /** MITRE ATT&CK T1610: a Pod created directly by a person is a container deployed, not a scheduled job. */
    public static final String DEPLOY_CONTAINER_ID = "T1610";
    public static final String DEPLOY_CONTAINER_NAME = "Deploy Container";
    public static final List<String> TACTICS = List.of("Execution", "Persistence", "Privilege Escalation");
    public static final List<String> TACTIC_IDS = List.of("TA0002", "TA0003", "TA0004");
}
