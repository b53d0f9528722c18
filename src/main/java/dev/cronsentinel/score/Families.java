package dev.cronsentinel.score;

import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * All detection families of section {@code families}, run over every pod template of an event, plus the
 * baseline reporting floor. Event-level findings (the namespace, the name) come out once, however many
 * templates the event carries.
 */
final class Families {
    private final List<FamilyEvaluator> evaluators;
    private final Set<String> reportAtLow;
    private final dev.cronsentinel.prefilter.PrefilteredPattern trustedWriters;

    Families(FamilyRules rules) {
        evaluators = List.of(new PodSecurityStandards(rules), new Placement(rules), new ImageProvenance(rules),
                new ServiceAccountPower(rules), new NamespaceMasquerade(rules), new AntiForensics(rules));
        reportAtLow = Set.copyOf(rules.reportAtLow());
        trustedWriters = rules.trustedWriters() == null ? null : dev.cronsentinel.prefilter.PrefilteredPattern.compile(rules.trustedWriters());
    }

    /** A family signal with the index of the template it came from. */
    record Placed(int template, TemplateSignal signal) {}

    /** The family signals of every template, without exact repeats (event-level ones come out once). */
    List<Placed> evaluate(WorkloadEvent e, List<PodTemplate> templates) {
        Set<TemplateSignal> seen = new LinkedHashSet<>();
        List<Placed> out = new ArrayList<>();
        List<TemplateSignal> one = new ArrayList<>();
        for (int t = 0; t < templates.size(); t++) {
            one.clear();
            for (FamilyEvaluator f : evaluators) {
                f.evaluate(e, templates.get(t), one);
            }
            for (TemplateSignal s : one) {
                if (seen.add(s)) {
                    out.add(new Placed(t, s));
                }
            }
        }
        return out;
    }

    /**
     * True when a kept signal is a Pod Security Standards baseline control listed in
     * {@code pod-security.report-at-low}: such a workload, written by a non-controller that is not one of the
     * {@code namespaces.trusted-writers} (the cluster's own components), is reported at least
     * at low severity even below the alert threshold (grouped like any alert, so a noisy team costs one).
     */
    boolean reportsAtLow(WorkloadEvent e, List<Signal> kept) {
        // The cluster's own components (namespaces.trusted-writers) run privileged agents by design.
        if (e.username() != null && trustedWriters != null && trustedWriters.find(e.username())) {
            return false;
        }
        for (Signal s : kept) {
            if (reportAtLow.contains(s.id())) {
                return true;
            }
        }
        return false;
    }
}
