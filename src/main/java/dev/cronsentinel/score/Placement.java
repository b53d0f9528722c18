package dev.cronsentinel.score;

import dev.cronsentinel.model.LabelSpec;
import dev.cronsentinel.model.PodPlacement;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.TolerationSpec;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.List;

/**
 * Where a template asks to run. Three rules, each its own signal so they add up:
 * <ul>
 *   <li>{@code control-plane-node}: a {@code nodeSelector} key, a node-affinity expression key or a
 *       toleration key that is a control-plane node label or taint (the listed values): the nodes that hold
 *       etcd's client certificates and the cluster PKI;</li>
 *   <li>{@code tolerate-everything}: a toleration with {@code operator: Exists} and no key, which tolerates
 *       every taint, control-plane and cordoned nodes included;</li>
 *   <li>{@code node-name}: {@code nodeName} set, which binds the pod to a node without the scheduler (and so
 *       without taints, resource checks or scheduler-side policy).</li>
 * </ul>
 */
final class Placement implements FamilyEvaluator {
    private final FamilyRules.Rule controlPlane;
    private final FamilyRules.Rule tolerateAll;
    private final FamilyRules.Rule nodeName;

    Placement(FamilyRules rules) {
        controlPlane = rules.rule(FamilyCatalog.PLACEMENT, "control-plane-node");
        tolerateAll = rules.rule(FamilyCatalog.PLACEMENT, "tolerate-everything");
        nodeName = rules.rule(FamilyCatalog.PLACEMENT, "node-name");
    }

    @Override
    public void evaluate(WorkloadEvent event, PodTemplate t, List<TemplateSignal> out) {
        PodPlacement p = t.placement();
        if (p == null) {
            return;
        }
        String base = t.path();
        if (p.nodeName() != null && !p.nodeName().isEmpty()) {
            TemplateSignal.add(out, nodeName, base + ".nodeName", p.nodeName(), null);
        }
        for (LabelSpec s : p.nodeSelector()) {
            if (isControlPlane(s.key())) {
                TemplateSignal.add(out, controlPlane, base + ".nodeSelector[" + s.key() + "]", s.value(), null);
            }
        }
        for (LabelSpec a : p.nodeAffinity()) {
            if (isControlPlane(a.key()) && !a.value().startsWith("DoesNotExist") && !a.value().startsWith("NotIn")) {
                TemplateSignal.add(out, controlPlane, base + ".affinity.nodeAffinity", a.key() + " " + a.value(), null);
            }
        }
        for (TolerationSpec tol : p.tolerations()) {
            boolean noKey = tol.key() == null || tol.key().isEmpty();
            if (noKey && "Exists".equals(tol.operator())) {
                TemplateSignal.add(out, tolerateAll, tol.path(), "operator: Exists (no key)", null);
            } else if (isControlPlane(tol.key())) {
                TemplateSignal.add(out, controlPlane, tol.path() + ".key", tol.key(), null);
            }
        }
    }

    private boolean isControlPlane(String key) {
        return controlPlane != null && key != null && controlPlane.values().contains(key);
    }
}
