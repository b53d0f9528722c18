package dev.cronsentinel.alert;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds the alert document for a scored event that raises one on its own (workload, attempt, unscored). */
public final class AlertFactory {
    private static final int MAX_IMAGES = 16;

    private AlertFactory() {}

    public static AlertKind kindOf(ScoredEvent s) {
        if (s.role() == EventRole.ATTEMPT) {
            return AlertKind.ATTEMPT;
        }
        return s.event().bodiless() ? AlertKind.UNSCORED : AlertKind.WORKLOAD;
    }

    /**
     * T1610 (Deploy Container) for a bare Pod created by a person (no controller owner, a username outside
     * {@code system:}); T1053.007 for everything else: CronJobs, Jobs and the Pods they spawn.
     */
    public static String techniqueOf(ScoredEvent s) {
        WorkloadEvent e = s.event();
        boolean person = e.username() != null && !e.username().startsWith("system:");
        boolean barePodCreate = "pods".equals(e.resource()) && "create".equals(e.verb()) && e.ownerKind() == null;
        return person && barePodCreate && s.role() != EventRole.SPAWN ? Alert.DEPLOY_CONTAINER_ID : Alert.TECHNIQUE_ID;
    }

    public static Alert fromScored(ScoredEvent s, String profile) {
        WorkloadEvent e = s.event();
        AlertKind kind = kindOf(s);
        // The audit ID identifies the request; without one (hostile input), the source position does.
        String identity = e.auditId() != null ? e.auditId() : e.origin();
        return new Alert(
                AlertIds.of(kind, identity, s.ruleVersion()),
                kind,
                profile,
                s.ruleVersion(),
                e.eventTime(),
                Instant.ofEpochMilli(e.eventTime()).toString(),
                e.auditId(),
                e.username(),
                e.groups(),
                e.userAgent(),
                e.sourceIp(),
                e.namespace(),
                e.resource(),
                e.name(),
                e.verb(),
                e.responseCode(),
                s.signals(),
                s.score(),
                s.severity(),
                techniqueOf(s),
                Alert.TACTICS,
                images(e),
                1,
                e.eventTime(),
                e.eventTime(),
                List.of(),
                null,
                null,
                e.source());
    }

    /** The distinct container images of every template, for ECS {@code container.image.name}. */
    public static List<String> images(WorkloadEvent e) {
        Set<String> out = new LinkedHashSet<>();
        if (e.templates() != null) {
            for (PodTemplate t : e.templates()) {
                for (ContainerSpec c : t.containers()) {
                    if (c.image() != null && out.size() < MAX_IMAGES) {
                        out.add(c.image());
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
