package dev.cronsentinel.score;

import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.prefilter.PrefilteredPattern;
import java.util.List;

/**
 * A workload written into a system namespace ({@code kube-system}, {@code kube-public},
 * {@code kube-node-lease}, the clouds' system namespaces: the listed values) by an identity that is not a
 * trusted system writer ({@code namespaces.trusted-writers}): a person, CI, or an unknown account. Where
 * nobody looks, next to the components it may also pretend to be: {@code system-name-mimicry} adds weight
 * when the object's name matches the system component pattern.
 */
final class NamespaceMasquerade implements FamilyEvaluator {
    private final FamilyRules.Rule systemNamespace;
    private final FamilyRules.Rule mimicry;
    private final PrefilteredPattern systemName;
    private final PrefilteredPattern trusted;

    NamespaceMasquerade(FamilyRules rules) {
        systemNamespace = rules.rule(FamilyCatalog.NAMESPACES, "system-namespace");
        mimicry = rules.rule(FamilyCatalog.NAMESPACES, "system-name-mimicry");
        systemName = mimicry == null ? null : PrefilteredPattern.compile(mimicry.pattern());
        trusted = rules.trustedWriters() == null ? null : PrefilteredPattern.compile(rules.trustedWriters());
    }

    @Override
    public void evaluate(WorkloadEvent e, PodTemplate t, List<TemplateSignal> out) {
        if (systemNamespace == null || e.namespace() == null || !systemNamespace.values().contains(e.namespace())) {
            return;
        }
        if (e.username() != null && trusted != null && trusted.find(e.username())) {
            return;
        }
        TemplateSignal.add(out, systemNamespace, "objectRef.namespace", e.namespace(), null);
        if (systemName != null && e.name() != null && systemName.find(e.name())) {
            TemplateSignal.add(out, mimicry, "objectRef.name", e.name(), null);
        }
    }
}
