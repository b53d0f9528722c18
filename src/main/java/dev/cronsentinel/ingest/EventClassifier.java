package dev.cronsentinel.ingest;

import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.prefilter.PrefilteredPattern;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides what a decoded event means: a workload someone wrote, a controller's spawn, a refused attempt,
 * or nothing of ours (controller housekeeping, pods of other controllers).
 *
 * <p>Spawns are recognised by the authenticated identity ({@code user.username}), never by
 * {@code ownerReferences} or the user agent: both are client-supplied, and an attacker who writes a Job with
 * a forged CronJob owner reference must still be judged as the human who wrote it.
 */
public final class EventClassifier implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Owner kinds whose Pods are another technique's business (workload controllers other than Job). */
    static final Set<String> WORKLOAD_CONTROLLER_OWNERS = Set.of("DaemonSet", "ReplicaSet", "StatefulSet", "ReplicationController");

    private final Set<String> controllers;
    private final Set<String> gkeControllers;
    /** Checked for every pod create: the prefilter skips the regex for the usual human and controller names. */
    private final PrefilteredPattern outOfScope;

    public EventClassifier(DecoderConfig cfg) {
        this.controllers = new HashSet<>(cfg.controllers());
        this.gkeControllers = new HashSet<>(cfg.gkeControllers());
        this.outOfScope = PrefilteredPattern.compile(cfg.outOfScopePodCreators());
    }

    /** The role of the event, or null when it is not ours to judge; {@link #dropReason} then says why. */
    public EventRole classify(WorkloadEvent e) {
        return dropReason(e) == null ? role(e) : null;
    }

    /** Why the event is dropped, or null when it is kept. A stable token, used as a metric dimension. */
    public String dropReason(WorkloadEvent e) {
        if (isController(e)) {
            if (e.refused()) {
                return "controller-refused";
            }
            boolean spawn = "create".equals(e.verb()) && ("jobs".equals(e.resource()) || "pods".equals(e.resource()));
            return spawn ? null : "controller-housekeeping";
        }
        if ("delete".equals(e.verb()) && e.refused()) {
            return "refused-delete"; // nothing ended, and a refused delete is no threat to report
        }
        if ("pods".equals(e.resource()) && e.username() != null && outOfScope.find(e.username())) {
            return "out-of-scope-pod-creator";
        }
        if ("pods".equals(e.resource()) && !"create".equals(e.verb()) && e.ownerKind() != null
                && WORKLOAD_CONTROLLER_OWNERS.contains(e.ownerKind())) {
            // An update or patch of a Pod a workload controller owns (an agent Pod of a DaemonSet, a replica):
            // not T1053.007 whoever writes it. Only for existing Pods: on a create, ownerReferences are what
            // the client claims, and a person who forges a DaemonSet owner is still judged.
            return "owned-pod-write";
        }
        return null;
    }

    private EventRole role(WorkloadEvent e) {
        if ("delete".equals(e.verb())) {
            return EventRole.DELETE;
        }
        if (e.refused()) {
            return EventRole.ATTEMPT;
        }
        return isController(e) ? EventRole.SPAWN : EventRole.WORKLOAD;
    }

    /** A controller's identity: upstream's anywhere, GKE's only on an event GKE's own log entry carried. */
    private boolean isController(WorkloadEvent e) {
        if (e.username() == null) {
            return false;
        }
        if (controllers.contains(e.username())) {
            return true;
        }
        return e.source() != null && GkeAuditLogMapper.ENVELOPE.equals(e.source().envelope()) && gkeControllers.contains(e.username());
    }
}
