package dev.cronsentinel.alert;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.UndecodableEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the alert document for a scored event that raises one on its own (workload, attempt, unscored), and
 * for a relevant write that could not be decoded (undecodable).
 */
public final class AlertFactory {
    private static final int MAX_IMAGES = 16;
    /** The signal id of an undecodable finding; its rule is the dead letter's reason. */
    public static final String UNDECODABLE_SIGNAL = "undecodable";
    private static final int MAX_DETAIL = 256;

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

    /**
     * The alert for a relevant write that could not be decoded. Its spec is unknown, so it has no score; it is
     * {@link Severity#MEDIUM}, above an unscored write (hidden by the audit policy, a configuration choice),
     * because an object the API server accepted normally decodes, and one that does not was usually built to
     * break parsers. Its one signal says why, with the dead letter's reason as its rule. Its event time is the
     * event's when the scan could read a trustworthy one, else 0 (1970-01-01): never the wall clock, so a
     * replay writes the same document and idempotent sinks stay exact.
     */
    public static Alert fromUndecodable(UndecodableEvent u, String profile, String ruleVersion) {
        long time = Math.max(0, u.eventTime());
        // The audit ID when the scan read one, the source position otherwise (a replay yields the same id).
        String identity = u.auditId() != null ? u.auditId() : u.origin() + ":" + u.position();
        String detail = u.detail() == null ? u.reason() : u.detail();
        Signal why = new Signal(UNDECODABLE_SIGNAL, u.reason(), 0, "(event)",
                detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL));
        return new Alert(
                AlertIds.of(AlertKind.UNDECODABLE, identity, u.reason(), ruleVersion),
                AlertKind.UNDECODABLE,
                profile,
                ruleVersion,
                time,
                Instant.ofEpochMilli(time).toString(),
                u.auditId(),
                u.username(),
                List.of(),
                u.userAgent(),
                u.sourceIp(),
                u.namespace(),
                u.resource(),
                u.name(),
                u.verb(),
                u.responseCode(),
                List.of(why),
                0,
                Severity.MEDIUM,
                Alert.TECHNIQUE_ID,
                Alert.TACTICS,
                List.of(),
                1,
                time,
                time,
                List.of(),
                null,
                null);
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
