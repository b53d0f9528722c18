package dev.cronsentinel.score;

import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.prefilter.PrefilteredPattern;
import java.util.List;

/**
 * A template that runs under a powerful service account it was not written by: the pattern matches
 * {@code namespace/serviceAccountName} (by default the kube-system controllers' accounts, the shape of
 * Elastic's rule on controller service accounts assigned to pods), and the writer is not that account
 * itself. Such a pod gets the controller's cluster-wide RBAC. {@code automount-token} adds weight when the
 * same template also sets {@code automountServiceAccountToken: true}, the token the attacker wants mounted.
 *
 * <p>Whether an arbitrary service account was just bound to cluster-admin needs RBAC state and is not judged
 * here.
 */
final class ServiceAccountPower implements FamilyEvaluator {
    private final FamilyRules.Rule controller;
    private final PrefilteredPattern powerful;
    private final FamilyRules.Rule automount;

    ServiceAccountPower(FamilyRules rules) {
        controller = rules.rule(FamilyCatalog.SERVICE_ACCOUNTS, "controller-service-account");
        automount = rules.rule(FamilyCatalog.SERVICE_ACCOUNTS, "automount-token");
        powerful = controller == null ? null : PrefilteredPattern.compile(controller.pattern());
    }

    @Override
    public void evaluate(WorkloadEvent e, PodTemplate t, List<TemplateSignal> out) {
        String sa = t.serviceAccountName();
        if (powerful == null || sa == null || sa.isEmpty() || e.namespace() == null) {
            return;
        }
        if (("system:serviceaccount:" + e.namespace() + ":" + sa).equals(e.username())) {
            return;
        }
        if (powerful.find(e.namespace() + "/" + sa)) {
            TemplateSignal.add(out, controller, t.path() + ".serviceAccountName", e.namespace() + "/" + sa, null);
            if (Boolean.TRUE.equals(t.automountServiceAccountToken())) {
                TemplateSignal.add(out, automount, t.path() + ".automountServiceAccountToken", "true", null);
            }
        }
    }
}
