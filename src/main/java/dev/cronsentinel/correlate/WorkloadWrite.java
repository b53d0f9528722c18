package dev.cronsentinel.correlate;

import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.RbacGrant;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A CronJob/Job/Pod write by a non-controller, reduced to what a sequence alert names, keyed for
 * {@link GrantSequenceFunction}: once by its actor ({@link #SAME_ACTOR}) and once per service account its pod
 * templates run under ({@link #SERVICE_ACCOUNT}). Only these writes, never the irrelevant majority, cross the
 * sequence stage's exchange.
 *
 * @param key the actor, or {@code system:serviceaccount:<namespace>:<name>} of a pod template
 * @param form {@link #SAME_ACTOR} or {@link #SERVICE_ACCOUNT}
 * @param serviceAccount the service account the workload runs under (first template), null when its spec is hidden
 */
public record WorkloadWrite(
        String key,
        String form,
        String auditId,
        long eventTime,
        String verb,
        String resource,
        String namespace,
        String name,
        String username,
        String userAgent,
        String sourceIp,
        int responseCode,
        String serviceAccount,
        String ruleVersion) {

    public static final String SAME_ACTOR = "same-actor";
    public static final String SERVICE_ACCOUNT = "service-account";

    /** True for an accepted create, update or patch of a CronJob, Job or Pod by a non-controller identity. */
    public static boolean relevant(ScoredEvent s) {
        WorkloadEvent e = s.event();
        return s.role() == EventRole.WORKLOAD && e.username() != null
                && ("create".equals(e.verb()) || "update".equals(e.verb()) || "patch".equals(e.verb()))
                && ("cronjobs".equals(e.resource()) || "jobs".equals(e.resource()) || "pods".equals(e.resource()));
    }

    /**
     * The keyed copies of one write: by its actor, and by each service account its templates run under (a template
     * that names none runs as {@code default}) unless that is the actor itself.
     */
    public static List<WorkloadWrite> of(ScoredEvent s) {
        WorkloadEvent e = s.event();
        Set<String> accounts = new LinkedHashSet<>();
        for (PodTemplate t : e.templates() == null ? List.<PodTemplate>of() : e.templates()) {
            String sa = t.serviceAccountName() == null || t.serviceAccountName().isEmpty() ? "default" : t.serviceAccountName();
            if (e.namespace() != null) {
                accounts.add(RbacGrant.serviceAccount(e.namespace(), sa));
            }
        }
        String first = accounts.isEmpty() ? null : accounts.iterator().next();
        List<WorkloadWrite> out = new ArrayList<>(1 + accounts.size());
        out.add(write(e, e.username(), SAME_ACTOR, first, s.ruleVersion()));
        for (String sa : accounts) {
            if (!sa.equals(e.username())) {
                out.add(write(e, sa, SERVICE_ACCOUNT, sa, s.ruleVersion()));
            }
        }
        return out;
    }

    private static WorkloadWrite write(WorkloadEvent e, String key, String form, String serviceAccount, String ruleVersion) {
        return new WorkloadWrite(key, form, e.auditId(), e.eventTime(), e.verb(), e.resource(), e.namespace(),
                e.name(), e.username(), e.userAgent(), e.sourceIp(), e.responseCode(), serviceAccount, ruleVersion);
    }
}
