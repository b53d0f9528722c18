package dev.cronsentinel.model;

import java.util.List;

/**
 * A workload event after scoring.
 *
 * @param alertable true when this event on its own should raise an alert (a workload or attempt above the
 *     threshold, or an unscored workload); spawns are never alertable on their own
 * @param allowlistedBy the allowlist entry that silenced it, null when none did
 */
public record ScoredEvent(
        WorkloadEvent event,
        EventRole role,
        List<Signal> signals,
        int score,
        Severity severity,
        boolean alertable,
        String allowlistedBy,
        String ruleVersion) {}
