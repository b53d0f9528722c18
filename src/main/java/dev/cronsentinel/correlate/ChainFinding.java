package dev.cronsentinel.correlate;

import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Signal;
import java.util.List;

/**
 * A step of a chain, sent by the link stages to the escalation stage: "these spawns belong to that root" (an
 * escalation), or "these suspicious spawns have no known root" (an orphan group).
 *
 * @param key the escalation stage's key: one per root, or one per orphan group and window
 * @param root the root; for an orphan, a stand-in naming the unknown root ({@link RootContext#unknown})
 * @param evidence the spawn whose own spec is suspicious, for an orphan or for an escalation of an unscored
 *     root; null when the root's own score is the reason
 * @param links the spawned objects this step adds to the chain (a Job and its first Pod, or one more Pod), and
 *     the root's lifecycle steps that go with them (its resume, its delete); every finding names at least one
 *     spawn, so no alert is raised for a chain that never ran
 * @param expiresAt until when more steps of this chain may come (event time)
 * @param signals lifecycle signals of the root ({@link RootLifecycle}): added to the escalation's own
 */
public record ChainFinding(
        String key, AlertKind kind, RootContext root, Spawn evidence, List<ChainLink> links, long expiresAt,
        List<Signal> signals) {

    public static ChainFinding escalation(RootContext root, Spawn evidence, List<ChainLink> links, long expiresAt) {
        return escalation(root, evidence, links, expiresAt, List.of());
    }

    public static ChainFinding escalation(RootContext root, Spawn evidence, List<ChainLink> links, long expiresAt,
                                          List<Signal> signals) {
        return new ChainFinding("escalation/" + root.identity(), AlertKind.ESCALATION, root, evidence, links, expiresAt, signals);
    }

    public static ChainFinding orphan(String namespace, String rootResource, String rootName, long windowStart,
                                      long windowEnd, Spawn evidence, List<ChainLink> links) {
        return new ChainFinding("orphan/" + namespace + "/" + rootResource + "/" + rootName + "/" + windowStart,
                AlertKind.ORPHAN, RootContext.unknown(namespace, rootResource, rootName, windowStart), evidence, links,
                windowEnd, List.of());
    }
}
